/**
 * A run holds its tracker's lock only while it makes progress: a run whose jobs were lost (a Redis
 * crash, say) must not block every later sync of the tracker for half an hour (found by the soak).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { redisKeys } from '../../src/store/keys.js';
import { RunStore } from '../../src/store/run-store.js';
import { REDIS_URL } from './pipeline-harness.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const keys = redisKeys(prefix);
const redis = new Redis(REDIS_URL);
const runs = new RunStore(redis, keys, (c) => {
  throw new Error(c.message);
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('run lock', () => {
  it('lasts two minutes past the last step of its run, and only its own steps extend it', async () => {
    expect(await runs.acquireLock('t', 'run-a')).toBeNull();
    expect(await runs.acquireLock('t', 'run-b')).toBe('run-a');
    const ttl = await redis.ttl(keys.activeRun('t'));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);

    await redis.expire(keys.activeRun('t'), 5);
    await runs.touchLock('t', 'run-b'); // not the holder: no effect
    expect(await redis.ttl(keys.activeRun('t'))).toBeLessThanOrEqual(5);
    await runs.touchLock('t', 'run-a'); // a step of the holder: another two minutes
    expect(await redis.ttl(keys.activeRun('t'))).toBeGreaterThan(100);

    // Once it lapses (no step for two minutes), the next sync takes the tracker.
    await redis.del(keys.activeRun('t'));
    expect(await runs.acquireLock('t', 'run-b')).toBeNull();
    await runs.releaseLock('t', 'run-a'); // the stuck run's late end does not free run-b's lock
    expect(await redis.get(keys.activeRun('t'))).toBe('run-b');
  });
});
