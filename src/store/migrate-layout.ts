/**
 * Moves keys of the single-hash-tag layout (every key under `{<prefix>}`, as up to release 0.1)
 * to the per-tracker layout of keys.ts, at start, before anything reads or writes. Each key keeps
 * its value and TTL: on a single Redis by RENAMENX (atomic), on a Redis Cluster by DUMP + RESTORE
 * then DEL (a rename cannot cross slots). The unified ranking's one sorted set is split into the
 * trackers' sets. Idempotent: `{<prefix>}:layout` records that the prefix is migrated, one process
 * migrates at a time (a lock), others wait for it; a key whose new name already holds a value is
 * left where it is and reported, never overwritten (README "Running on Redis Cluster").
 */
import { Cluster, type Redis } from 'ioredis';
import { scanKeys } from './cleanup.js';
import { parseMember } from './issue-store.js';
import { redisKeys, type Keys } from './keys.js';
import type { RedisClient } from './redis-client.js';

export const LAYOUT_VERSION = '2';
const LOCK_TTL_MS = 120_000;
const WAIT_STEP_MS = 200;
const RANKING_CHUNK = 1000;

export interface MigrationReport {
  /** Keys moved to their new name. */
  moved: number;
  /** Ranking members moved into the trackers' sets. */
  rankingMembers: number;
  /** Old keys left in place because their new name already held a value. */
  kept: string[];
}

export interface MigrateOptions {
  /** How long to wait for another process's migration. @defaultValue 120000 */
  waitMs?: number;
}

/** Per-tracker keys of the old layout, `{p}:<what>:<tracker>[:<rest>]`, and their new names. */
const RULES: { pattern: RegExp; to: (keys: Keys, m: string[]) => string }[] = [
  { pattern: /^issues:([^:]+)$/, to: (k, [t]) => k.issues(t as string) },
  { pattern: /^state:([^:]+)$/, to: (k, [t]) => k.trackerState(t as string) },
  { pattern: /^rank:([^:]+)$/, to: (k, [t]) => k.trackerRank(t as string) },
  { pattern: /^planned:([^:]+)$/, to: (k, [t]) => k.planned(t as string) },
  { pattern: /^status:([^:]+)$/, to: (k, [t]) => k.statusIndex(t as string) },
  { pattern: /^counts:([^:]+)$/, to: (k, [t]) => k.statusCounts(t as string) },
  { pattern: /^keys:([^:]+)$/, to: (k, [t]) => k.keyIndex(t as string) },
  { pattern: /^snapshots:([^:]+)$/, to: (k, [t]) => k.snapshots(t as string) },
  { pattern: /^active-run:([^:]+)$/, to: (k, [t]) => k.activeRun(t as string) },
  { pattern: /^audit:([^:]+):(.+)$/, to: (k, [t, id]) => k.auditIssue(t as string, id as string) },
  {
    pattern: /^wlock:([^:]+):(.+)$/,
    to: (k, [t, rest]) => k.writeLock(t as string, rest as string),
  },
  {
    pattern: /^rate:([^:]+)(:.+)?$/,
    to: (k, [t, rest]) => k.rateLimit(t as string) + (rest ?? ''),
  },
  { pattern: /^delivery:([^:]+):(.+)$/, to: (k, [t, d]) => k.delivery(t as string, d as string) },
  {
    pattern: /^history:([^:]+):(.+)$/,
    to: (k, [t, id]) => k.issueHistory(t as string, id as string),
  },
  { pattern: /^history-backlog:([^:*]+)$/, to: (k, [t]) => k.backlogHistory(t as string) },
  // BullMQ's keys of a tracker's queue: the queue moves under the tracker's tag (queues.ts).
  {
    pattern: /^tracker-([^:]+):(.*)$/,
    to: (k, [t, rest]) => `${k.trackerTag(t as string)}:tracker-${t as string}:${rest as string}`,
  },
];

/** The new name of an old-layout key, or null when the key keeps its name. */
export function migratedName(keys: Keys, oldKey: string): string | null {
  const head = `${keys.prefix}:`;
  if (!oldKey.startsWith(head)) return null;
  const rest = oldKey.slice(head.length);
  for (const rule of RULES) {
    const m = rule.pattern.exec(rest);
    if (m) return rule.to(keys, m.slice(1));
  }
  return null;
}

/** Moves an old deployment's keys to the per-tracker layout (once per prefix). */
export async function migrateLayout(
  redis: RedisClient,
  redisPrefix: string,
  options: MigrateOptions = {},
): Promise<MigrationReport | null> {
  const keys = redisKeys(redisPrefix);
  if ((await redis.get(keys.layout)) === LAYOUT_VERSION) return null;
  const lock = `${keys.layout}-lock`;
  const owner = `${process.pid}-${Date.now()}`;
  const deadline = Date.now() + (options.waitMs ?? LOCK_TTL_MS);
  while ((await redis.set(lock, owner, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    if ((await redis.get(keys.layout)) === LAYOUT_VERSION) return null;
    if (Date.now() > deadline) {
      throw new Error(`another process has been migrating {${redisPrefix}} for too long`);
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
  try {
    if ((await redis.get(keys.layout)) === LAYOUT_VERSION) return null;
    const report: MigrationReport = { moved: 0, rankingMembers: 0, kept: [] };
    const oldRanking = `${keys.prefix}:ranking`;
    const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const node of nodes) {
      for await (const batch of scanKeys(node, `${keys.prefix}:*`)) {
        for (const oldKey of batch) {
          if (oldKey === oldRanking) continue;
          const to = migratedName(keys, oldKey);
          if (to === null) continue;
          if (await move(redis, oldKey, to)) report.moved++;
          else report.kept.push(oldKey);
        }
      }
    }
    report.rankingMembers = await splitRanking(redis, keys, oldRanking);
    await redis.set(keys.layout, LAYOUT_VERSION);
    return report;
  } finally {
    if ((await redis.get(lock)) === owner) await redis.del(lock);
  }
}

/** Moves one key; false when its new name already holds another value (nothing is overwritten). */
async function move(redis: RedisClient, from: string, to: string): Promise<boolean> {
  if (!(redis instanceof Cluster)) {
    if ((await redis.renamenx(from, to)) === 1) return true;
    return (await redis.exists(from)) === 0; // moved meanwhile by nobody else: gone is fine
  }
  const [dump, ttl] = await Promise.all([redis.dumpBuffer(from), redis.pttl(from)]);
  if (dump === null) return true; // expired meanwhile
  try {
    await redis.restore(to, ttl > 0 ? ttl : 0, dump);
  } catch (err) {
    if (!String(err).includes('BUSYKEY')) throw err;
    // Restored before a crash, not yet deleted: the same value at both names.
    const there = await redis.dumpBuffer(to);
    if (there === null || !there.equals(dump)) return false;
  }
  await redis.del(from);
  return true;
}

/** Splits the old unified ranking set into the trackers' sets; returns the members moved. */
async function splitRanking(redis: RedisClient, keys: Keys, oldRanking: string): Promise<number> {
  let moved = 0;
  for (let start = 0; ; start += RANKING_CHUNK) {
    const members = await redis.zrange(oldRanking, start, start + RANKING_CHUNK - 1);
    if (members.length === 0) break;
    const byTracker = new Map<string, string[]>();
    for (const member of members) {
      const { trackerId } = parseMember(member);
      const list = byTracker.get(trackerId) ?? [];
      list.push(member);
      byTracker.set(trackerId, list);
    }
    for (const [trackerId, list] of byTracker) {
      await redis.zadd(keys.ranking(trackerId), ...list.flatMap((m) => [0, m]));
      await redis.sadd(keys.rankedTrackers, trackerId);
    }
    moved += members.length;
    if (members.length < RANKING_CHUNK) break;
  }
  if (moved > 0) await redis.del(oldRanking);
  return moved;
}
