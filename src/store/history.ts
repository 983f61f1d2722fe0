/**
 * Score history, in bounded memory. Per issue: a capped list of its changes (inputs, net value,
 * risk figures, status, its unified rank at the time), newest first, trimmed by count and by age.
 * Per tracker and for the whole backlog: a series of after-sync points (issues scored / needing
 * input, sum of positive net value), one point per slot (15 min) at most, kept for
 * `seriesMaxAgeMs` (120 days by default: at least the 90 days the contract promises).
 */
import type { RedisClient } from './redis-client.js';
import { z } from 'zod';
import { parseStoredJson, type OnCorrupt } from './corrupt.js';
import type { IssueRecord } from './issue-record.js';
import type { Keys } from './keys.js';
import { TaggedBatch } from './tagged-batch.js';

/** One changed value of an issue (numbers, or the raw text an input held). */
export const HistoryChangeSchema = z.object({
  field: z.string(),
  from: z.union([z.number(), z.string(), z.null()]),
  to: z.union([z.number(), z.string(), z.null()]),
});
export type HistoryChange = z.infer<typeof HistoryChangeSchema>;

/** One history entry of an issue, as stored and as `GET /admin/issues/:trackerId/:key` shows it. */
export const HistoryEntrySchema = z.object({
  at: z.string().describe('ISO time of the change'),
  why: z.string().describe('sync, webhook or settings change'),
  changes: z.array(HistoryChangeSchema),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** One point of the backlog series (`trackerId` `*` is every tracker together). */
export const BacklogPointSchema = z.object({
  at: z.string(),
  trackerId: z.string().describe("a tracker id, or '*' for the whole backlog"),
  scored: z.number().int(),
  needsInput: z.number().int().describe('unscored and invalid issues'),
  positiveNetValueUsd: z.number().describe('sum of the net values above $0'),
});
export type BacklogPoint = z.infer<typeof BacklogPointSchema>;

/** The whole backlog's series. */
export const ALL_TRACKERS = '*';

export interface HistoryOptions {
  /** Entries kept per issue (newest first). */
  perIssue: number;
  /** Entries older than this are dropped (and a list unchanged for this long expires). */
  maxAgeMs: number;
  /** Series points older than this are dropped. */
  seriesMaxAgeMs: number;
  /** At most one series point per slot of this length (the latest wins). */
  seriesSlotMs: number;
}

const DAY = 86_400_000;
export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = {
  perIssue: 200,
  maxAgeMs: 365 * DAY,
  seriesMaxAgeMs: 120 * DAY,
  seriesSlotMs: 15 * 60_000,
};

/**
 * Pushes an entry (`<epoch ms>|<json>`), keeps the newest ARGV[3] and drops entries older than
 * ARGV[4] from the tail, then sets the list to expire after the age limit.
 * KEYS: list. ARGV: ms, json, cap, cutoff ms, ttl ms.
 */
const PUSH_ENTRY = `
redis.call('LPUSH', KEYS[1], ARGV[1] .. '|' .. ARGV[2])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
local cutoff = tonumber(ARGV[4])
while true do
  local tail = redis.call('LINDEX', KEYS[1], -1)
  if not tail then break end
  local ms = tonumber(string.match(tail, '^(%d+)|'))
  if ms == nil or ms >= cutoff then break end
  redis.call('RPOP', KEYS[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * Adds a series point, replacing any in the same slot, and drops points older than the cutoff.
 * KEYS: sorted set. ARGV: ms, json, slot start ms, cutoff ms.
 */
const ADD_POINT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4])
return 1`;

type Value = HistoryChange['from'];

function scalar(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The inputs and results an entry follows (the unified rank is added by the caller). */
const INPUTS = ['value', 'valueLow', 'valueHigh', 'valueImpact', 'cost', 'costLow', 'costHigh'];
const RESULTS = [
  'status',
  'netValueUsd',
  'netValueLowUsd',
  'netValueHighUsd',
  'confidencePct',
] as const;

/**
 * What changed between a stored record and its new version (plus its unified rank before and
 * after); empty when nothing the history follows changed. Pure.
 */
export function recordChanges(
  before: IssueRecord | null,
  after: IssueRecord,
  rankBefore: number | null,
  rankAfter: number | null,
): HistoryChange[] {
  const changes: HistoryChange[] = [];
  const push = (field: string, from: unknown, to: unknown): void => {
    const f = scalar(from);
    const t = scalar(to);
    if (f !== t) changes.push({ field, from: f, to: t });
  };
  const inputsBefore: Record<string, unknown> = before?.inputs ?? {};
  const inputsAfter: Record<string, unknown> = after.inputs;
  for (const field of INPUTS) push(field, inputsBefore[field], inputsAfter[field]);
  if (before?.inputs.costUnit !== after.inputs.costUnit)
    push('costUnit', before?.inputs.costUnit, after.inputs.costUnit);
  for (const field of RESULTS) push(field, before?.result[field], after.result[field]);
  if (changes.length > 0 || rankBefore !== rankAfter) push('rank', rankBefore, rankAfter);
  return changes;
}

export class HistoryStore {
  private readonly options: HistoryOptions;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly onCorrupt: OnCorrupt,
    options: Partial<HistoryOptions> = {},
  ) {
    this.options = { ...DEFAULT_HISTORY_OPTIONS, ...options };
  }

  /** Appends one entry per issue, in one round trip. */
  async append(
    entries: readonly { trackerId: string; issueId: string; entry: HistoryEntry }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const { perIssue, maxAgeMs } = this.options;
    // One pipeline per tracker's hash tag (a Redis Cluster pipeline stays on one node).
    const batch = new TaggedBatch(this.redis, 'pipeline');
    for (const { trackerId, issueId, entry } of entries) {
      const ms = Date.parse(entry.at);
      const key = this.keys.issueHistory(trackerId, issueId);
      batch
        .at(key)
        .eval(
          PUSH_ENTRY,
          1,
          key,
          String(ms),
          JSON.stringify(entry),
          String(perIssue),
          String(ms - maxAgeMs),
          String(maxAgeMs),
        );
    }
    await batch.exec();
  }

  /** An issue's entries, newest first. */
  async forIssue(trackerId: string, issueId: string, limit = 200): Promise<HistoryEntry[]> {
    const raw = await this.redis.lrange(this.keys.issueHistory(trackerId, issueId), 0, limit - 1);
    return raw.flatMap((item) => {
      const json = item.slice(item.indexOf('|') + 1);
      const entry = parseStoredJson(
        HistoryEntrySchema,
        json,
        { subject: 'audit', trackerId, id: issueId, field: 'score history' },
        this.onCorrupt,
      );
      return entry ? [entry] : [];
    });
  }

  /** Forgets an issue's history (it left the scope). */
  async forget(trackerId: string, issueId: string): Promise<void> {
    await this.redis.del(this.keys.issueHistory(trackerId, issueId));
  }

  /** Adds after-sync points (one per series), in one round trip. */
  async addPoints(points: readonly BacklogPoint[]): Promise<void> {
    if (points.length === 0) return;
    const { seriesSlotMs, seriesMaxAgeMs } = this.options;
    const batch = new TaggedBatch(this.redis, 'pipeline');
    for (const point of points) {
      const ms = Date.parse(point.at);
      const key = this.keys.backlogHistory(point.trackerId);
      batch
        .at(key)
        .eval(
          ADD_POINT,
          1,
          key,
          String(ms),
          JSON.stringify(point),
          String(Math.floor(ms / seriesSlotMs) * seriesSlotMs),
          String(ms - seriesMaxAgeMs),
        );
    }
    await batch.exec();
  }

  /** The latest point of a series, or null. */
  async latest(trackerId: string): Promise<BacklogPoint | null> {
    const [json] = await this.redis.zrange(this.keys.backlogHistory(trackerId), -1, -1);
    if (json === undefined) return null;
    return parseStoredJson(
      BacklogPointSchema,
      json,
      { subject: 'audit', trackerId, id: 'backlog', field: 'backlog history' },
      this.onCorrupt,
    );
  }

  /** A series between two times (inclusive), oldest first. */
  async series(trackerId: string, fromMs: number, toMs: number): Promise<BacklogPoint[]> {
    const raw = await this.redis.zrangebyscore(this.keys.backlogHistory(trackerId), fromMs, toMs);
    return raw.flatMap((json) => {
      const point = parseStoredJson(
        BacklogPointSchema,
        json,
        { subject: 'audit', trackerId, id: 'backlog', field: 'backlog history' },
        this.onCorrupt,
      );
      return point ? [point] : [];
    });
  }
}
