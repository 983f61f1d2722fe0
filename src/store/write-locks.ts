/**
 * Per-issue write locks: an issue is written by one job at a time, so two jobs never send the
 * tracker competing values for it. Each lock is a key with a TTL and its owner (a job id).
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

// Takes each free lock, or one this owner already holds (a job re-run after its worker died
// finds its own locks and goes on at once). Returns 1/0 per key. ARGV: owner, ttl ms.
const LOCK = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'PX', ARGV[2], 'NX') or redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out`;
// Releases only the locks this owner holds.
const UNLOCK = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1`;

export class WriteLocks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Locks what it can of `ids` for `owner` for `ttlMs`; returns the ids it took. */
  async lock(
    trackerId: string,
    ids: readonly string[],
    ttlMs: number,
    owner: string,
  ): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const keys = ids.map((id) => this.keys.writeLock(trackerId, id));
    const taken = (await this.redis.eval(LOCK, keys.length, ...keys, owner, ttlMs)) as number[];
    return new Set(ids.filter((_, i) => taken[i] === 1));
  }

  /** Releases those of `ids` that `owner` holds. */
  async unlock(trackerId: string, ids: readonly string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    const keys = ids.map((id) => this.keys.writeLock(trackerId, id));
    await this.redis.eval(UNLOCK, keys.length, ...keys, owner);
  }
}
