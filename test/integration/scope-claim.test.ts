/**
 * The scope check before writes is claimed by one caller across every process (MetaStore). A
 * refused claim tells how long the check stays fresh, and until then the process asks Redis no
 * more; a failed check is given back and its process claims it again at once.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { redisKeys } from '../../src/store/keys.js';
import { MetaStore } from '../../src/store/meta.js';
import { REDIS_URL } from './pipeline-harness.js';

const redis = new Redis(REDIS_URL);
const prefix = `t-${randomUUID().slice(0, 12)}`;
const keys = redisKeys(prefix);
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});
const fail = (corrupt: { message: string }) => {
  throw new Error(`unexpected: ${corrupt.message}`);
};

describe('claiming the scope check before writes', () => {
  it('goes to one process; the others know it is fresh without asking again', async () => {
    const [a, b] = [new MetaStore(redis, keys, fail), new MetaStore(redis, keys, fail)];
    expect(await a.claimScopeCheck('t1', 60_000)).toBe(true);
    expect(await b.claimScopeCheck('t1', 60_000)).toBe(false);
    expect(await a.claimScopeCheck('t1', 60_000)).toBe(false);
    const ttl = await redis.pttl(keys.scopeChecked('t1'));
    expect(ttl).toBeGreaterThan(50_000);

    // B learnt the freshness from Redis: it no longer asks (the key gone proves it).
    await redis.del(keys.scopeChecked('t1'));
    expect(await b.claimScopeCheck('t1', 60_000)).toBe(false);
    // Another tracker is its own claim.
    expect(await b.claimScopeCheck('t2', 60_000)).toBe(true);
  });

  it('is claimed again at once by the process whose check failed', async () => {
    const [a, b] = [new MetaStore(redis, keys, fail), new MetaStore(redis, keys, fail)];
    expect(await a.claimScopeCheck('t3', 60_000)).toBe(true);
    await a.scopeCheckFailed('t3');
    expect(await redis.exists(keys.scopeChecked('t3'))).toBe(0);
    expect(await a.claimScopeCheck('t3', 60_000)).toBe(true);
    expect(await b.claimScopeCheck('t3', 60_000)).toBe(false);
  });

  it('counts an incremental pull that asked a while ago for the rest of the freshness', async () => {
    const a = new MetaStore(redis, keys, fail);
    await a.scopeChecked('t4', 60_000, 10_000);
    const ttl = await redis.pttl(keys.scopeChecked('t4'));
    expect(ttl).toBeGreaterThan(45_000);
    expect(ttl).toBeLessThanOrEqual(50_000);
    expect(await a.claimScopeCheck('t4', 60_000)).toBe(false);
    // Asked longer ago than the freshness: nothing is recorded, the next writer checks.
    await a.scopeChecked('t5', 60_000, 70_000);
    expect(await a.claimScopeCheck('t5', 60_000)).toBe(true);
  });
});
