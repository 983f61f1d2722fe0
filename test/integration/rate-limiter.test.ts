import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { redisKeys } from '../../src/store/keys.js';
import { RateLimiter } from '../../src/store/rate-limiter.js';
import { REDIS_URL } from './pipeline-harness.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const redis = new Redis(REDIS_URL);
const other = new Redis(REDIS_URL);
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await Promise.all([redis.quit(), other.quit()]);
});

describe('write rate limiter (GCRA in Redis)', () => {
  it('allows a burst of one second of calls, then spaces the rest at the rate', async () => {
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const waits = await limiter.reserveMany('jira', 10, 15);
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    // The rest follow 100 ms apart (a few ms of clock movement between Redis TIME and now).
    const spaced = waits.slice(10);
    for (const [i, w] of spaced.entries()) expect(w).toBeGreaterThanOrEqual(100 * (i + 1) - 5);
    for (let i = 1; i < spaced.length; i++)
      expect((spaced[i] ?? 0) - (spaced[i - 1] ?? 0)).toBe(100);
  });

  it("holds across clients: a second process continues after the first one's bookings", async () => {
    const a = new RateLimiter(redis, redisKeys(prefix));
    const b = new RateLimiter(other, redisKeys(prefix));
    const first = await a.reserveMany('linear', 2, 4);
    const second = await b.reserveMany('linear', 2, 2);
    expect(first.slice(0, 2)).toEqual([0, 0]);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(Math.max(...first) + 400);
  });
});
