import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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
  it('lets one call go at once after an idle period, then spaces the rest at the rate (no burst)', async () => {
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const waits = await limiter.reserveMany('jira', 10, 15);
    expect(waits[0]).toBe(0);
    // The rest follow 100 ms apart (a few ms of clock movement between Redis TIME and now).
    for (const [i, w] of waits.entries()) expect(w).toBeGreaterThanOrEqual(100 * i - 5);
    for (let i = 1; i < waits.length; i++) expect((waits[i] ?? 0) - (waits[i - 1] ?? 0)).toBe(100);
  });

  it("holds across clients: a second process continues after the first one's bookings", async () => {
    const a = new RateLimiter(redis, redisKeys(prefix));
    const b = new RateLimiter(other, redisKeys(prefix));
    const first = await a.reserveMany('linear', 2, 4);
    const second = await b.reserveMany('linear', 2, 2);
    expect(first[0]).toBe(0);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(Math.max(...first) + 400);
  });

  it('N concurrent reservers on their own connections never book more than ceil(rate x 2) + 1 calls in any 2 s window', async () => {
    const rate = 7; // not a divisor of 1000: slots fall between whole milliseconds
    const clients = Array.from({ length: 6 }, () => new Redis(REDIS_URL));
    try {
      const limiters = clients.map((c) => new RateLimiter(c, redisKeys(prefix)));
      const booked: number[] = [];
      const end = Date.now() + 3000;
      // Each "process" books jobs of 1-4 calls as fast as it can for 3 s, like write jobs starting.
      await Promise.all(
        limiters.map(async (limiter, n) => {
          for (let k = 0; Date.now() < end; k++) {
            const waits = await limiter.reserveMany('window', rate, 1 + ((n + k) % 4));
            const now = Date.now();
            booked.push(...waits.map((w) => now + w));
            await sleep(5 + n);
          }
        }),
      );
      booked.sort((x, y) => x - y);
      expect(booked.length).toBeGreaterThan(40);
      let most = 0;
      for (let i = 0, j = 0; i < booked.length; i++) {
        while ((booked[i] ?? 0) - (booked[j] ?? 0) > 2000) j++;
        most = Math.max(most, i - j + 1);
      }
      expect(most).toBeLessThanOrEqual(Math.ceil(rate * 2) + 1);
      // ... and consecutive calls are ~1/rate s apart (slots are turned into this process's
      // clock when each reply arrives, so allow for reply latency on a busy machine).
      const gaps = booked.slice(1).map((t, i) => t - (booked[i] ?? 0));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(1000 / rate) - 40);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });

  it('a pause moves every booked call later by its length, and new bookings start after it', async () => {
    const a = new RateLimiter(redis, redisKeys(prefix));
    const b = new RateLimiter(other, redisKeys(prefix));
    const booking = await a.book('paused', 10, 3);
    const pausedAt = Date.now();
    await b.pause('paused', pausedAt + 600);
    expect(await a.pausedUntil('paused')).toBeGreaterThan(pausedAt + 500);
    // A shorter pause never shortens it.
    await b.pause('paused', pausedAt + 100);
    expect(await a.pausedUntil('paused')).toBeGreaterThan(pausedAt + 500);
    const later = await b.book('paused', 10, 1);
    expect((later.at[0] ?? 0) - pausedAt).toBeGreaterThanOrEqual(600 + 300 - 20);
    const went: number[] = [];
    await Promise.all(
      booking.at.map(async (at) => {
        await a.waitTurn('paused', at, booking.shift);
        went.push(Date.now() - pausedAt);
      }),
    );
    went.sort((x, y) => x - y);
    // First call ~ when the pause ends (its slot had come), then 100 ms apart again.
    expect(went[0]).toBeGreaterThanOrEqual(590);
    expect(went[0]).toBeLessThan(700);
    expect((went[1] ?? 0) - (went[0] ?? 0)).toBeGreaterThanOrEqual(80);
    expect((went[2] ?? 0) - (went[1] ?? 0)).toBeGreaterThanOrEqual(80);
    expect(await a.pausedUntil('paused')).toBe(0);
  });

  it('lets calls go when a window whose reset is only guessed has been counted down', async () => {
    // After a reset with no window length learnt, the next reset is a guess (an hour on) and the
    // count starts again from the limit. Once that count was spent, every call waited for an
    // answer that no call could bring: the soak's first full run stalled for minutes.
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const budget = `${redisKeys(prefix).rateLimit('guessed')}:budget`;
    await redis.hset(budget, {
      remaining: 0,
      resetAt: Date.now() + 3_600_000,
      guessed: 1,
      limit: 98,
      reported: Date.now() - 60_000,
    });
    const waited = await limiter.waitTurn('guessed', Date.now(), 0);
    expect(waited).toBeLessThan(1_000);
    // An answer that reports the window ends the guess: its count is followed again.
    await limiter.followBudget('guessed', {
      requestsRemaining: 50,
      requestsLimit: 98,
      resetAtMs: Date.now() + 60_000,
    });
    expect(await redis.hget(budget, 'guessed')).toBe('0');
  });

  it('follows a window the tracker reports ending before the one it counted', async () => {
    // Two resets a quiet window apart made a window's length of two: at the reset the count rolled
    // over to a reset one window too late, and once that count was spent calls waited through a
    // whole window the tracker allowed. The next answer reports the real window: it is followed.
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const budget = `${redisKeys(prefix).rateLimit('too-long')}:budget`;
    const now = Date.now();
    await redis.hset(budget, {
      remaining: 20,
      resetAt: now + 3_900,
      guessed: 0,
      limit: 58,
      reported: now - 100,
      candidateMs: 4_000,
    });
    await limiter.followBudget('too-long', {
      requestsRemaining: 50,
      requestsLimit: 60,
      resetAtMs: now + 1_900,
    });
    // What this window's calls took stays taken (calls in flight are not in the answer yet).
    expect(await redis.hmget(budget, 'remaining', 'resetAt')).toEqual(['20', String(now + 1_900)]);
    // An answer from a window already over (it arrived late) does not start a count.
    await limiter.followBudget('too-long', {
      requestsRemaining: 0,
      requestsLimit: 60,
      resetAtMs: Date.now() - 500,
    });
    expect(await redis.hmget(budget, 'remaining', 'resetAt')).toEqual(['20', String(now + 1_900)]);
    // Spent: the next call waits for the tracker's reset, not the one counted.
    await redis.hset(budget, 'remaining', 0);
    const waited = await limiter.waitTurn('too-long', Date.now(), 0);
    expect(waited).toBeGreaterThan(1_500);
    expect(waited).toBeLessThan(2_500);
  });

  it('lets a read go at once when nothing holds it, taking its call from the budget', async () => {
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const budget = `${redisKeys(prefix).rateLimit('reads')}:budget`;
    await limiter.followBudget('reads', {
      requestsRemaining: 500,
      requestsLimit: 1000,
      resetAtMs: Date.now() + 60_000,
    });
    const before = Number(await redis.hget(budget, 'remaining'));
    expect(await limiter.readTurn('reads')).toBeLessThan(100);
    expect(Number(await redis.hget(budget, 'remaining'))).toBe(before - 1);
  });

  it('holds a read for a pause, and spaces reads at the slow pace of a low budget', async () => {
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const pauseEnds = Date.now() + 300;
    await limiter.pause('paused-read', pauseEnds);
    await limiter.readTurn('paused-read');
    expect(Date.now()).toBeGreaterThanOrEqual(pauseEnds - 5);

    // 30 left of 1,000 (reserve 20) for the next 2 s: 10 usable, one read every 200 ms.
    await limiter.followBudget('slow-read', {
      requestsRemaining: 30,
      requestsLimit: 1000,
      resetAtMs: Date.now() + 2000,
    });
    const first = Date.now();
    await limiter.readTurn('slow-read');
    await limiter.readTurn('slow-read');
    await limiter.readTurn('slow-read');
    expect(Date.now() - first).toBeGreaterThanOrEqual(2 * 180);
  });

  it('tells Redis a budget with plenty left once per moment, and a low one or a new window always', async () => {
    const limiter = new RateLimiter(redis, redisKeys(prefix));
    const budget = `${redisKeys(prefix).rateLimit('told')}:budget`;
    const resetAtMs = Date.now() + 60_000;
    const told = async (remaining: number, reset = resetAtMs) => {
      await limiter.followBudget('told', {
        requestsRemaining: remaining,
        requestsLimit: 1000,
        resetAtMs: reset,
      });
      return Number(await redis.hget(budget, 'remaining'));
    };
    // The count stored is what is left above the reserve (2 % of 1,000).
    expect(await told(900)).toBe(880);
    // A moment later, plenty left in the same window: the answer is not sent.
    expect(await told(899)).toBe(880);
    // Running low (below a fifth): every answer is sent (the pace depends on it).
    expect(await told(150)).toBe(130);
    expect(await told(149)).toBe(129);
    // A new window is always told.
    expect(await told(990, resetAtMs + 60_000)).toBe(970);
  });
});
