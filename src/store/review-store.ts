/**
 * Backlog reviews (README "Backlog reviews") in Redis: a snapshot of the unified ranking at most
 * once a day (the first of the day is kept, so a review always compares with a state at or before
 * its `since`), kept 92 days, and the scheduled digest's delivery status. Both keys are
 * deployment-wide (under `{<redisPrefix>}`): a snapshot spans every tracker by design.
 *
 * A snapshot holds every issue in scope, compactly (tracker, key, status, net value, work type in
 * ranking order): a review needs scope membership (entered / left), statuses (newly needing input)
 * and positions (movers, the share of the top N, how long an issue has waited in it). A choice not
 * made: reconstructing past rankings from the per-issue score history. Issues that left the scope
 * lose their history, and CD3 or P10 orders cannot be rebuilt from it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WorkType } from '../domain/index.js';
import { parseStored, parseStoredJson, type OnCorrupt } from './corrupt.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis-client.js';
import { runScript } from './lua.js';

const DAY_MS = 86_400_000;

export interface ReviewStoreOptions {
  /** At most one snapshot per slot of this length: the first one taken is kept. */
  slotMs: number;
  /** Snapshots older than this are dropped. */
  maxAgeMs: number;
}

export const DEFAULT_REVIEW_STORE_OPTIONS: ReviewStoreOptions = {
  slotMs: DAY_MS,
  maxAgeMs: 92 * DAY_MS,
};

type Status = 'scored' | 'unscored' | 'invalid';

/** One issue of a snapshot; its unified rank is its position (1-based) in `items`. */
export interface SnapshotEntry {
  trackerId: string;
  key: string;
  status: Status;
  netValueUsd: number | null;
  workType: WorkType['type'];
}

export interface ReviewSnapshot {
  at: string;
  /** Every issue in scope, in unified ranking order. */
  items: SnapshotEntry[];
}

const STATUS_CODE = { scored: 's', unscored: 'u', invalid: 'i' } as const;
const TYPE_CODE = { technical: 't', product: 'p', unclassified: 'u' } as const;
const STATUS_OF = { s: 'scored', u: 'unscored', i: 'invalid' } as const;
const TYPE_OF = { t: 'technical', p: 'product', u: 'unclassified' } as const;

const StoredSnapshot = z.object({
  at: z.string(),
  items: z.array(
    z.tuple([
      z.string(),
      z.string(),
      z.enum(['s', 'u', 'i']),
      z.number().nullable(),
      z.enum(['t', 'p', 'u']),
    ]),
  ),
});

/** A window of entries as stored: the JSON array's elements, without its brackets. */
function encodeItems(items: readonly SnapshotEntry[]): string {
  const tuples = items.map((i) => [
    i.trackerId,
    i.key,
    STATUS_CODE[i.status],
    i.netValueUsd,
    TYPE_CODE[i.workType],
  ]);
  return JSON.stringify(tuples).slice(1, -1);
}

/**
 * How long a draft outlives a process that died while writing it (a snapshot of a million issues
 * takes about a minute to write).
 */
const DRAFT_TTL_SEC = 86_400;

/** The digest's delivery status, as `/admin/status` shows it. */
export const DigestStatusSchema = z.object({
  lastAttemptAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  lastError: z.string().nullable().describe('why the last failed delivery failed (no URL)'),
  consecutiveFailures: z.number().int(),
  /** When the schedule first ticked: the first digest goes out one period later. */
  scheduledSince: z.string().nullable(),
});
export type DigestStatus = z.infer<typeof DigestStatusSchema>;

/**
 * Stores a finished draft as the slot's snapshot unless the slot already holds one, deletes the
 * draft either way, then drops snapshots older than the cutoff. The copy is made in Redis: the
 * snapshot's text is never whole in this process (docs/architecture.md "The job catalog").
 * KEYS: sorted set, draft. ARGV: ms, slot start ms, slot end ms (exclusive), cutoff ms.
 * Returns 1 stored, 0 the slot has one, -1 the draft is gone (expired).
 */
const ADD_DRAFT_FIRST_IN_SLOT = `
if redis.call('ZCOUNT', KEYS[1], ARGV[2], '(' .. ARGV[3]) > 0 then
  redis.call('DEL', KEYS[2])
  return 0
end
local json = redis.call('GET', KEYS[2])
if not json then return -1 end
redis.call('ZADD', KEYS[1], ARGV[1], json)
redis.call('DEL', KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
return 1`;

export class ReviewStore {
  private readonly options: ReviewStoreOptions;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly onCorrupt: OnCorrupt,
    options: Partial<ReviewStoreOptions> = {},
  ) {
    this.options = { ...DEFAULT_REVIEW_STORE_OPTIONS, ...options };
  }

  private slotOf(ms: number): [number, number] {
    const start = Math.floor(ms / this.options.slotMs) * this.options.slotMs;
    return [start, start + this.options.slotMs];
  }

  /** Whether the slot of `ms` already holds a snapshot. */
  async hasSnapshotInSlot(ms: number): Promise<boolean> {
    const [start, end] = this.slotOf(ms);
    return (await this.redis.zcount(this.keys.reviewSnapshots, start, `(${end}`)) > 0;
  }

  /** Stores the snapshot unless its slot has one; true when stored. */
  async addSnapshot(snapshot: ReviewSnapshot): Promise<boolean> {
    return this.addStreamed(snapshot.at, [snapshot.items]);
  }

  /**
   * Stores a snapshot whose entries come window by window (ranking order), unless the slot of
   * `at` has one; true when stored. Each window is appended to a draft in Redis as it comes, so
   * this process holds one window, not the snapshot: a million issues make some 40 MB of JSON,
   * which built here and sent as one command took 180 MB at once (docs/architecture.md "The job
   * catalog"). A draft left by a process that died expires.
   */
  async addStreamed(
    at: string,
    windows: AsyncIterable<readonly SnapshotEntry[]> | Iterable<readonly SnapshotEntry[]>,
  ): Promise<boolean> {
    const ms = Date.parse(at);
    const draft = this.keys.reviewSnapshotDraft(randomUUID());
    try {
      await this.redis.set(draft, `{"at":${JSON.stringify(at)},"items":[`, 'EX', DRAFT_TTL_SEC);
      let separator = '';
      for await (const items of windows) {
        if (items.length === 0) continue;
        await this.redis.append(draft, separator + encodeItems(items));
        separator = ',';
      }
      await this.redis.append(draft, ']}');
      const [start, end] = this.slotOf(ms);
      const added = await runScript(
        this.redis,
        ADD_DRAFT_FIRST_IN_SLOT,
        2,
        this.keys.reviewSnapshots,
        draft,
        String(ms),
        String(start),
        String(end),
        String(ms - this.options.maxAgeMs),
      );
      if (added === -1)
        throw new Error(`the review snapshot of ${at} expired before it was stored`);
      return added === 1;
    } catch (err) {
      await this.redis.del(draft).catch(() => undefined); // it expires if this fails too
      throw err;
    }
  }

  /**
   * What a review since `sinceMs` compares with: the newest snapshot at or before it, else the
   * oldest after it (the deployment is younger than `since`), else null.
   */
  async baseline(sinceMs: number): Promise<ReviewSnapshot | null> {
    const key = this.keys.reviewSnapshots;
    const [before] = await this.redis.zrevrangebyscore(key, sinceMs, '-inf', 'LIMIT', 0, 1);
    if (before !== undefined) return this.decode(before);
    const [after] = await this.redis.zrangebyscore(key, `(${sinceMs}`, '+inf', 'LIMIT', 0, 1);
    return after === undefined ? null : this.decode(after);
  }

  /**
   * Snapshots taken at or before `beforeMs`, newest first, read one at a time: each holds every
   * issue (40 MB of JSON at a million), so a caller that stops early reads no more.
   */
  newestFirst(beforeMs: number): AsyncGenerator<ReviewSnapshot> {
    return this.oneByOne('newest first', '-inf', beforeMs);
  }

  /** Snapshots between two times (inclusive), oldest first, read one at a time (as `newestFirst`). */
  series(fromMs: number, toMs: number): AsyncGenerator<ReviewSnapshot> {
    return this.oneByOne('oldest first', fromMs, toMs);
  }

  private async *oneByOne(
    order: 'oldest first' | 'newest first',
    fromMs: number | string,
    toMs: number | string,
  ): AsyncGenerator<ReviewSnapshot> {
    let [from, to] = [String(fromMs), String(toMs)];
    for (;;) {
      const key = this.keys.reviewSnapshots;
      const [json, score] =
        order === 'oldest first'
          ? await this.redis.zrangebyscore(key, from, to, 'WITHSCORES', 'LIMIT', 0, 1)
          : await this.redis.zrevrangebyscore(key, to, from, 'WITHSCORES', 'LIMIT', 0, 1);
      if (json === undefined || score === undefined) return;
      // One snapshot per slot: scores are distinct, so the next read starts past this one.
      if (order === 'oldest first') from = `(${score}`;
      else to = `(${score}`;
      const snapshot = this.decode(json);
      if (snapshot) yield snapshot;
    }
  }

  private decode(json: string): ReviewSnapshot | null {
    const stored = parseStoredJson(
      StoredSnapshot,
      json,
      { subject: 'audit', trackerId: '*', id: 'review', field: 'review snapshot' },
      this.onCorrupt,
    );
    if (!stored) return null;
    return {
      at: stored.at,
      items: stored.items.map(([trackerId, key, status, netValueUsd, type]) => ({
        trackerId,
        key,
        status: STATUS_OF[status],
        netValueUsd,
        workType: TYPE_OF[type],
      })),
    };
  }

  /** Records one delivery attempt of the digest (`error` null when it was delivered). */
  async recordDigestAttempt(at: string, error: string | null): Promise<void> {
    const key = this.keys.reviewDigest;
    const multi = this.redis.multi().hset(key, 'lastAttemptAt', at);
    if (error === null) {
      multi.hset(key, 'lastSuccessAt', at, 'consecutiveFailures', '0');
    } else {
      multi.hset(key, 'lastFailureAt', at, 'lastError', error);
      multi.hincrby(key, 'consecutiveFailures', 1);
    }
    await multi.exec();
  }

  /** Notes when the digest schedule first ticked (kept if already set); returns that time. */
  async markScheduled(at: string): Promise<string> {
    const key = this.keys.reviewDigest;
    await this.redis.hsetnx(key, 'scheduledSince', at);
    return (await this.redis.hget(key, 'scheduledSince')) ?? at;
  }

  async digestStatus(): Promise<DigestStatus> {
    const raw = await this.redis.hgetall(this.keys.reviewDigest);
    const status = parseStored(
      DigestStatusSchema,
      {
        lastAttemptAt: raw['lastAttemptAt'] ?? null,
        lastSuccessAt: raw['lastSuccessAt'] ?? null,
        lastFailureAt: raw['lastFailureAt'] ?? null,
        lastError: raw['lastError'] ?? null,
        consecutiveFailures: Number(raw['consecutiveFailures'] ?? 0),
        scheduledSince: raw['scheduledSince'] ?? null,
      },
      { subject: 'audit', trackerId: '*', id: 'review', field: 'review digest status' },
      this.onCorrupt,
    );
    return (
      status ?? {
        lastAttemptAt: null,
        lastSuccessAt: null,
        lastFailureAt: null,
        lastError: null,
        consecutiveFailures: 0,
        scheduledSince: null,
      }
    );
  }
}
