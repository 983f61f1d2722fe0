/**
 * The key layout before per-tracker hash tags (every key under `{<prefix>}`), for the migration
 * tests: `toOldLayout` moves a deployment's keys back to their old names (the inverse of
 * src/store/migrate-layout.ts, written independently here), and `snapshot` reads every key of a
 * prefix by its contents, so two layouts can be compared key by key.
 */
import { Cluster, type Redis } from 'ioredis';
import { scanKeys } from '../../src/store/cleanup.js';
import type { RedisClient } from '../../src/store/redis-client.js';

const nodesOf = (redis: RedisClient): Redis[] =>
  redis instanceof Cluster ? redis.nodes('master') : [redis];

async function keysOf(redis: RedisClient, pattern: string): Promise<string[]> {
  const out: string[] = [];
  for (const node of nodesOf(redis))
    for await (const batch of scanKeys(node, pattern)) out.push(...batch);
  return out.sort();
}

/**
 * Per-tracker keys added after the layout change: an old deployment never held them, so
 * `toOldLayout` drops them and `snapshot` leaves them out of the comparison.
 */
const NEWER_KEY = /^\{[^}]+\}:(order-gen|scope-checked|rank-calls)$/;

/** The old name of a per-tracker key (`{p:t}:<rest>`), null for the ranking set, '' to drop. */
function oldName(prefix: string, key: string): string | null {
  const m = /^\{([^:}]+):([^}]+)\}:(.*)$/.exec(key);
  if (!m || m[1] !== prefix) throw new Error(`not a tracker key of ${prefix}: ${key}`);
  const [, , t, rest] = m as unknown as [string, string, string, string];
  const p = `{${prefix}}`;
  if (NEWER_KEY.test(key)) return '';
  if (rest === 'ranking') return null;
  const single = ['issues', 'state', 'rank', 'planned', 'status', 'counts', 'keys', 'snapshots'];
  if (single.includes(rest) || rest === 'active-run' || rest === 'history-backlog')
    return `${p}:${rest}:${t}`;
  const sub = /^(audit|wlock|delivery|history):(.+)$/.exec(rest);
  if (sub) return `${p}:${sub[1]}:${t}:${sub[2]}`;
  const rate = /^rate(:.+)?$/.exec(rest);
  if (rate) return `${p}:rate:${t}${rate[1] ?? ''}`;
  if (rest.startsWith(`tracker-${t}:`)) return `${p}:${rest}`;
  throw new Error(`no old name for ${key}`);
}

/** Moves a deployment's keys to the old single-tag layout (DUMP, RESTORE, DEL: any slot). */
export async function toOldLayout(redis: RedisClient, prefix: string): Promise<number> {
  let moved = 0;
  for (const key of await keysOf(redis, `{${prefix}:*`)) {
    const to = oldName(prefix, key);
    if (to === null) {
      const members = await redis.zrange(key, 0, -1);
      if (members.length > 0)
        await redis.zadd(`{${prefix}}:ranking`, ...members.flatMap((m) => [0, m]));
    } else if (to !== '') {
      const [dump, ttl] = await Promise.all([redis.dumpBuffer(key), redis.pttl(key)]);
      if (dump === null) continue;
      await redis.restore(to, ttl > 0 ? ttl : 0, dump);
    }
    await redis.del(key);
    moved++;
  }
  await redis.del(`{${prefix}}:ranked-trackers`, `{${prefix}}:layout`);
  return moved;
}

/**
 * Every lasting key of a prefix (both kinds of tag) with its contents, comparable across layouts.
 * Keys about to expire (a rate limiter's pace lives for milliseconds) are left out.
 */
export async function snapshot(redis: RedisClient, prefix: string): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const key of [
    ...(await keysOf(redis, `{${prefix}}*`)),
    ...(await keysOf(redis, `{${prefix}:*`)),
  ]) {
    if (NEWER_KEY.test(key)) continue;
    const ttl = await redis.pttl(key);
    if (ttl !== -1 && ttl < 60_000) continue;
    const type = await redis.type(key);
    const value =
      type === 'hash'
        ? Object.entries(await redis.hgetall(key)).sort()
        : type === 'zset'
          ? await redis.zrange(key, 0, -1, 'WITHSCORES')
          : type === 'list'
            ? await redis.lrange(key, 0, -1)
            : type === 'set'
              ? (await redis.smembers(key)).sort()
              : type === 'stream'
                ? await redis.xrange(key, '-', '+')
                : await redis.get(key);
    out.set(key, [type, value]);
  }
  return out;
}
