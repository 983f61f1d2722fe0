/**
 * Failed authentications per client address (a wrong admin token, a bad webhook signature), counted
 * in Redis so the limit holds across every process: a fixed one-minute window per address and
 * scope. An address over the limit is refused (429) until its window ends.
 */
import type { RedisClient } from './redis-client.js';
import type { Keys } from './keys.js';

export type AuthScope = 'admin' | 'webhook';

/** The counting window: failures are allowed `limit` times per this many ms. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/**
 * How long a process trusts its last look at an address: failures counted by other processes take
 * effect here within this, those this process counts at once. Looking on every request put a
 * Redis round trip before every webhook's answer.
 */
export const AUTH_LOOK_FRESH_MS = 1000;
/** Addresses remembered at most (a spray from many addresses must not grow the map unbounded). */
const MAX_REMEMBERED = 10_000;

interface Look {
  count: number;
  /** When the address's window ends (this process's clock). */
  resetAtMs: number;
  atMs: number;
}

export class AuthFailures {
  private readonly looked = new Map<string, Look>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** The clock the looks are dated by (a test moves it). */
    private readonly clock: () => number = Date.now,
  ) {}

  /** Ms until `address` may try again in `scope` when it is over `limit`; 0 when it may now. */
  async blockedForMs(scope: AuthScope, address: string, limit: number): Promise<number> {
    const key = this.keys.authFailures(scope, address);
    const now = this.clock();
    let look = this.looked.get(key);
    const over = (l: Look) => l.count >= limit && now < l.resetAtMs;
    if (!look || now - look.atMs >= AUTH_LOOK_FRESH_MS || (look.count >= limit && !over(look))) {
      const [[, count], [, ttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [
        [unknown, string | null],
        [unknown, number],
      ];
      look = { count: Number(count ?? 0), resetAtMs: now + Math.max(1, ttl), atMs: now };
      if (this.looked.size >= MAX_REMEMBERED) this.looked.clear();
      this.looked.set(key, look);
    }
    return over(look) ? Math.max(1, look.resetAtMs - now) : 0;
  }

  /** Counts one failure; returns the failures in the current window. */
  async record(scope: AuthScope, address: string): Promise<number> {
    const key = this.keys.authFailures(scope, address);
    this.looked.delete(key); // the next request from it looks again
    const [[, count]] = (await this.redis
      .multi()
      .incr(key)
      .pexpire(key, AUTH_FAILURE_WINDOW_MS, 'NX')
      .exec()) as [[unknown, number], unknown];
    return count;
  }
}
