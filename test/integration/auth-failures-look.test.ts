/**
 * The failed-authentication limit looks at Redis at most once a second per address and process
 * (AuthFailures.blockedForMs): before, every webhook's answer waited for that look first.
 * Failures this process counts take effect at once; other processes' within the second.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthFailures } from '../../src/store/auth-failures.js';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { redisKeys } from '../../src/store/keys.js';
import { REDIS_URL } from './pipeline-harness.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const keys = redisKeys(prefix);
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('failed authentications per address', () => {
  it('looks once a second, and at once after a failure this process counted', async () => {
    const failures = new AuthFailures(redis, keys);
    const address = '203.0.113.9';
    expect(await failures.blockedForMs('webhook', address, 3)).toBe(0);
    // Another process counts the address over the limit: this one still holds its look...
    const key = keys.authFailures('webhook', address);
    await redis.set(key, '3', 'PX', 60_000);
    expect(await failures.blockedForMs('webhook', address, 3)).toBe(0);
    // ...while a process with no look yet refuses it, as every process does a second later.
    const other = new AuthFailures(redis, keys);
    const blocked = await other.blockedForMs('webhook', address, 3);
    expect(blocked).toBeGreaterThan(59_000);
    expect(blocked).toBeLessThanOrEqual(60_000);
    // A failure counted here makes the next request look again: refused now.
    expect(await failures.record('webhook', address)).toBe(4);
    expect(await failures.blockedForMs('webhook', address, 3)).toBeGreaterThan(59_000);
    // The look is per address and scope.
    expect(await failures.blockedForMs('admin', address, 3)).toBe(0);
  });

  it('looks again once a refused address is past its window', async () => {
    let now = 1_000_000;
    const failures = new AuthFailures(redis, keys, () => now);
    const address = '203.0.113.10';
    const key = keys.authFailures('admin', address);
    await redis.set(key, '5', 'PX', 400);
    const blocked = await failures.blockedForMs('admin', address, 5);
    expect(blocked).toBeGreaterThan(0);
    expect(blocked).toBeLessThanOrEqual(400);
    // The window ends well within the look's second: its key is gone, and the address is let in.
    now += blocked;
    await redis.del(key);
    expect(await failures.blockedForMs('admin', address, 5)).toBe(0);
  });
});
