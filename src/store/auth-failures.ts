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

export class AuthFailures {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Ms until `address` may try again in `scope` when it is over `limit`; 0 when it may now. */
  async blockedForMs(scope: AuthScope, address: string, limit: number): Promise<number> {
    const key = this.keys.authFailures(scope, address);
    const [[, count], [, ttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    return Number(count ?? 0) >= limit ? Math.max(1, ttl) : 0;
  }

  /** Counts one failure; returns the failures in the current window. */
  async record(scope: AuthScope, address: string): Promise<number> {
    const key = this.keys.authFailures(scope, address);
    const [[, count]] = (await this.redis
      .multi()
      .incr(key)
      .pexpire(key, AUTH_FAILURE_WINDOW_MS, 'NX')
      .exec()) as [[unknown, number], unknown];
    return count;
  }
}
