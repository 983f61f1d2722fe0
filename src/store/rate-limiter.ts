/**
 * A per-tracker write rate kept in Redis (GCRA), so it holds across every worker process.
 * `reserveMany` books a job's calls in one round trip and says how long to wait before each.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

// KEYS[1] = theoretical arrival time; ARGV[1] = ms between calls; ARGV[2] = burst allowance in
// ms; ARGV[3] = calls to book. Returns the offset (ms from now, may be negative) of slot 0.
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[1])
local newTat = tat + interval * tonumber(ARGV[3])
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now) + 1000)
return tostring(tat - tonumber(ARGV[2]) - now)`;

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Books `count` calls in one round trip; returns how long to wait before each (in order), so a
   * job of many calls asks Redis once rather than once per call.
   */
  async reserveMany(trackerId: string, perSec: number, count: number): Promise<number[]> {
    if (count <= 0) return [];
    const intervalMs = 1000 / perSec;
    const burstMs = intervalMs * Math.max(1, Math.ceil(perSec));
    const key = this.keys.rateLimit(trackerId);
    const base = Number(await this.redis.eval(GCRA, 1, key, intervalMs, burstMs, count));
    return Array.from({ length: count }, (_, i) =>
      Math.max(0, Math.ceil(base + (i + 1) * intervalMs)),
    );
  }
}
