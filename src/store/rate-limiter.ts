/**
 * A per-tracker write rate kept in Redis (GCRA), so it holds across every worker process.
 * `reserve` books the next slot and says how long to wait for it; one round trip per call.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

// KEYS[1] = theoretical arrival time; ARGV[1] = ms between calls; ARGV[2] = burst allowance in ms.
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[1])
local newTat = tat + interval
local wait = newTat - tonumber(ARGV[2]) - now
if wait < 0 then wait = 0 end
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now) + 1000)
return math.ceil(wait)`;

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Milliseconds to wait before making the call this reserves. */
  async reserve(
    trackerId: string,
    perSec: number,
    burst = Math.max(1, Math.ceil(perSec)),
  ): Promise<number> {
    const intervalMs = 1000 / perSec;
    const wait = await this.redis.eval(
      GCRA,
      1,
      this.keys.rateLimit(trackerId),
      intervalMs,
      intervalMs * burst,
    );
    return Number(wait);
  }
}
