/**
 * Issue state and the unified ranking in Redis. Per tracker, four hashes keyed by issue id:
 * records (snapshot, score, the values scoring wants), planned values (rank position, sort key:
 * the planner's), tracker state (the values the tracker holds, when we last wrote) and tracker
 * rank. Scorers, the planner, writers and rank moves each touch only their own hash, so none of
 * them can overwrite what another just saved. Each tracker's sorted set holds its part of the
 * unified ranking: members sort lexicographically in ranking order (all scores 0), so a change
 * re-ranks in O(log N); the unified order is their merge (ranking-reader.ts). Everything of one
 * tracker shares its hash tag, so each save is one MULTI in one Redis Cluster slot.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { parseStoredJson, type OnCorrupt } from './corrupt.js';
import {
  PlannedSchema,
  StoredRankSchema,
  StoredRecordSchema,
  TrackerStateSchema,
  type IssueRecord,
} from './issue-record.js';
import type { Keys } from './keys.js';
import {
  checkPlanned,
  checkStoredRank,
  checkStoredRecord,
  checkTrackerState,
} from './stored-checks.js';
import { DEFAULT_RANKING_CHUNK, RankingReader } from './ranking-reader.js';
import { completeRecord, completeState, encodeRecord, encodeState } from './record-codec.js';
import { TaggedBatch } from './tagged-batch.js';

/** The values a tracker holds (written by pulls and by write-back). */
export type TrackerState = Pick<IssueRecord, 'id' | 'current' | 'lastWrittenAt'>;

/** The values only the rank planner decides (the rest of `desired` comes from scoring). */
export type Planned = Pick<IssueRecord['desired'], 'rankPosition' | 'sortKey'>;

export function plannedOf(desired: IssueRecord['desired']): Planned {
  const planned: Planned = {};
  if (desired.rankPosition !== undefined) planned.rankPosition = desired.rankPosition;
  if (desired.sortKey !== undefined) planned.sortKey = desired.sortKey;
  return planned;
}

/** One issue's four stored parts as read (null = absent), in the order of `IssueStore.hashes`. */
type StoredParts = [Buffer | null, Buffer | null, Buffer | null, Buffer | null];

/** A window of a tracker's issues as stored (`IssueStore.scanStored`), not yet parsed. */
export interface StoredWindow {
  trackerId: string;
  ids: string[];
  /** Per issue: record, tracker state, tracker rank and planned values JSON, as bytes (null: absent). */
  parts: StoredParts[];
}

const SEP = '\u0002';

/**
 * Keeps per-tracker counts by status exact without reading every record: each issue's status sits
 * in a small hash, and a change moves one count. ARGV: id, status pairs ('' = removed).
 */
const UPDATE_COUNTS = `
for i = 1, #ARGV, 2 do
  local id, status = ARGV[i], ARGV[i + 1]
  local old = redis.call('HGET', KEYS[1], id)
  if old ~= status then
    if old then redis.call('HINCRBY', KEYS[2], old, -1) end
    if status == '' then
      redis.call('HDEL', KEYS[1], id)
    else
      redis.call('HSET', KEYS[1], id, status)
      redis.call('HINCRBY', KEYS[2], status, 1)
    end
  end
end
return 1`;

/** How long a removed issue is remembered against stale pages (a pull's pages lag by seconds). */
const LEFT_SCOPE_MEMORY_MS = 3_600_000;

/**
 * Saves what a pull found the tracker holding, unless a write was recorded since the record was
 * read: the scorer reads the stored state, decides what the tracker holds (score-record.ts
 * heldValues) and saves it, and a write job recording in between (its `lastWrittenAt` changed)
 * knows better. Overwriting it rolled the record back to the value before that write, and the
 * next plan sent the write again (the Redis Cluster failover test). KEYS: state, rank hashes.
 * ARGV: id, the lastWrittenAt read ('' = none), state JSON, rank JSON, per issue.
 */
const SAVE_PULLED_STATE = `
for i = 1, #ARGV, 4 do
  local id = ARGV[i]
  local stored = redis.call('HGET', KEYS[1], id)
  local written = ''
  if stored then
    local ok, state = pcall(cjson.decode, stored)
    if ok and type(state) == 'table' and type(state.lastWrittenAt) == 'string' then
      written = state.lastWrittenAt
    end
  end
  if written == ARGV[i + 1] then
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    redis.call('HSET', KEYS[2], id, ARGV[i + 3])
  end
end
return 1`;

// KEYS: the tracker's issues hash, its rank hash; ARGV: id, rank, ... Sets each rank only while
// the issue is in the state (recordRanks).
const SET_HELD_RANKS = `
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
return 1`;

export interface StatusCounts {
  total: number;
  scored: number;
  unscored: number;
  invalid: number;
}

export function rankMember(sortKey: string, trackerId: string, id: string): string {
  // Made flat: built piece by piece, a member is a tree of some twelve joined strings (515 bytes
  // held against 123 flat), and plans, previews and the ranking keep one per issue (README
  // "Performance"). A JSON round trip is the one exact way to flatten any string.
  return JSON.parse(JSON.stringify(`${sortKey}${SEP}${trackerId}${SEP}${id}`)) as string;
}

export function parseMember(member: string): { trackerId: string; id: string } {
  const parts = member.split(SEP);
  return { trackerId: parts[1] ?? '', id: parts[2] ?? '' };
}

export interface IssueStoreOptions {
  /** Members per window when the unified ranking is merged. @defaultValue 1000 */
  rankingChunk?: number;
}

export class IssueStore {
  private readonly ranking: RankingReader;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** Told about every stored part that does not parse (the part is then read as absent). */
    private readonly onCorrupt: OnCorrupt,
    options: IssueStoreOptions = {},
  ) {
    this.ranking = new RankingReader(redis, keys, options.rankingChunk ?? DEFAULT_RANKING_CHUNK);
  }

  async getMany(trackerId: string, ids: readonly string[]): Promise<(IssueRecord | null)[]> {
    return this.read(ids.map((id) => ({ trackerId, id })));
  }

  async get(trackerId: string, id: string): Promise<IssueRecord | null> {
    const [record] = await this.getMany(trackerId, [id]);
    return record ?? null;
  }

  async getByKey(trackerId: string, key: string): Promise<IssueRecord | null> {
    const id = await this.redis.hget(this.keys.keyIndex(trackerId), key);
    return id === null ? null : this.get(trackerId, id);
  }

  /** Every record of a tracker (a corrupt one is reported and left out). */
  async all(trackerId: string): Promise<IssueRecord[]> {
    const ids = await this.redis.hkeys(this.keys.issues(trackerId));
    return (await this.getMany(trackerId, ids)).filter((r): r is IssueRecord => r !== null);
  }

  /**
   * A tracker's records in windows of about `chunk` (HSCAN), so a caller never holds them all.
   * HSCAN may return an issue twice while the hash grows: callers that count de-duplicate.
   */
  async *scan(trackerId: string, chunk = 200): AsyncGenerator<IssueRecord[]> {
    for await (const window of this.scanStored(trackerId, chunk)) yield this.parseWindow(window);
  }

  /**
   * As `scan`, but each window as its stored JSON bytes, parsed by the caller (`parseWindow`)
   * when it uses it. A pass over every record then keeps only bytes across its awaits: parsed records
   * that stay reachable while Redis answers live long enough for V8 to move them to the old
   * generation, which grows to several times the live heap before it is collected (README
   * "Performance").
   */
  async *scanStored(trackerId: string, chunk = 200): AsyncGenerator<StoredWindow> {
    let cursor = '0';
    do {
      let ids: string[];
      [cursor, ids] = await this.scanIds(trackerId, cursor, chunk);
      // Small hashes answer in one reply whatever COUNT says: read their records in windows too.
      for (let i = 0; i < ids.length; i += chunk) {
        const windowIds = ids.slice(i, i + chunk);
        yield { trackerId, ids: windowIds, parts: await this.readParts(trackerId, windowIds) };
      }
    } while (cursor !== '0');
  }

  /**
   * One HSCAN step of a tracker's records, of which only the ids are kept: the records come again,
   * with their other parts, from `readParts`. The reply is bytes, dropped here before the caller's
   * windows are read: held across them, its values reached V8's old generation (a plan over
   * 100,000 issues promoted some 25 MB less without it; README "Performance").
   */
  private async scanIds(
    trackerId: string,
    cursor: string,
    count: number,
  ): Promise<[string, string[]]> {
    const [next, flat] = await this.redis.hscanBuffer(
      this.keys.issues(trackerId),
      cursor,
      'COUNT',
      count,
    );
    const ids: string[] = [];
    for (let i = 0; i < flat.length; i += 2) ids.push((flat[i] as Buffer).toString());
    return [next.toString(), ids];
  }

  /** A window's records (a corrupt one is reported and left out, as a deleted one). */
  parseWindow({ trackerId, ids, parts }: StoredWindow): IssueRecord[] {
    const records: IssueRecord[] = [];
    parts.forEach((stored, k) => {
      const record = this.merge({ trackerId, id: ids[k] as string }, stored);
      if (record !== null) records.push(record);
    });
    return records;
  }

  /**
   * A tracker's scores in windows of about `chunk`, from the record part HSCAN returns (one parse
   * per issue, no other part read): for totals over every issue. May repeat an issue, as `scan`.
   */
  async *scanScores(
    trackerId: string,
    chunk = 200,
  ): AsyncGenerator<{ id: string; result: IssueRecord['result'] }[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(
        this.keys.issues(trackerId),
        cursor,
        'COUNT',
        chunk,
      );
      cursor = next;
      const scores: { id: string; result: IssueRecord['result'] }[] = [];
      for (let k = 0; k + 1 < flat.length; k += 2) {
        const id = flat[k] as string;
        const at = { subject: 'issue' as const, trackerId, id, field: 'issue record' };
        const record = parseStoredJson(
          StoredRecordSchema,
          flat[k + 1] as string,
          at,
          this.onCorrupt,
          checkStoredRecord,
          (raw) => completeRecord(raw, { trackerId, id }),
        );
        if (record) scores.push({ id, result: record.result });
      }
      yield scores;
    } while (cursor !== '0');
  }

  /** Record, tracker state, tracker rank, planned values: the four hashes a record lives in. */
  private hashes(trackerId: string): [string, string, string, string] {
    return [
      this.keys.issues(trackerId),
      this.keys.trackerState(trackerId),
      this.keys.trackerRank(trackerId),
      this.keys.planned(trackerId),
    ];
  }

  /**
   * Reads issues' four parts in one MULTI per tracker (so each issue is seen at one instant; the
   * MULTIs go out together) and merges them; null where the record is absent or corrupt. Results
   * are in the order of `refs`.
   */
  private async read(
    refs: readonly { trackerId: string; id: string }[],
  ): Promise<(IssueRecord | null)[]> {
    if (refs.length === 0) return [];
    const byTracker = new Map<string, number[]>();
    refs.forEach((ref, i) => {
      const indexes = byTracker.get(ref.trackerId);
      if (indexes) indexes.push(i);
      else byTracker.set(ref.trackerId, [i]);
    });
    const groups = [...byTracker];
    const parts = await Promise.all(
      groups.map(([trackerId, indexes]) =>
        this.readParts(
          trackerId,
          indexes.map((i) => (refs[i] as { id: string }).id),
        ),
      ),
    );
    const out: (IssueRecord | null)[] = [];
    groups.forEach(([, indexes], g) => {
      indexes.forEach((refIndex, k) => {
        const stored = (parts[g] as StoredParts[])[k] as StoredParts;
        out[refIndex] = this.merge(refs[refIndex] as { trackerId: string; id: string }, stored);
      });
    });
    return out;
  }

  /**
   * Issues' four parts in one MULTI (each issue seen at one instant), in the order of `ids`, as
   * bytes, decoded only when parsed (`merge`): the strings ioredis makes of a reply, and strings
   * decoded early, stay reachable while the next reply is awaited, long enough for V8 to move them
   * to its old generation (a pass over 100,000 records grew it by 70 MB; README "Performance").
   */
  private async readParts(trackerId: string, ids: readonly string[]): Promise<StoredParts[]> {
    const multi = this.redis.multi();
    for (const hash of this.hashes(trackerId)) multi.hmgetBuffer(hash, ...ids);
    const columns = ((await multi.exec()) ?? []).map(([err, values]) => {
      if (err) throw err;
      return values as (Buffer | null)[];
    });
    return ids.map((_, k) => columns.map((values) => values[k] ?? null) as StoredParts);
  }

  /** One record from its parts; each part that does not parse is reported and read as absent. */
  private merge(
    ref: { trackerId: string; id: string },
    [recordBytes, stateBytes, rankBytes, plannedBytes]: StoredParts,
  ): IssueRecord | null {
    if (recordBytes === null) return null;
    const at = (field: string) => ({ subject: 'issue' as const, ...ref, field });
    const record = parseStoredJson(
      StoredRecordSchema,
      recordBytes.toString(),
      at('issue record'),
      this.onCorrupt,
      checkStoredRecord,
      (raw) => completeRecord(raw, ref),
    );
    if (record === null) return null;
    const state =
      stateBytes === null
        ? null
        : parseStoredJson(
            TrackerStateSchema,
            stateBytes.toString(),
            at('tracker state'),
            this.onCorrupt,
            checkTrackerState,
            (raw) => completeState(raw, ref.id),
          );
    const rank =
      rankBytes === null
        ? null
        : parseStoredJson(
            StoredRankSchema,
            rankBytes.toString(),
            at('tracker rank'),
            this.onCorrupt,
            checkStoredRank,
          );
    const planned =
      plannedBytes === null
        ? null
        : parseStoredJson(
            PlannedSchema,
            plannedBytes.toString(),
            at('planned values'),
            this.onCorrupt,
            checkPlanned,
          );
    // Completed in place (the parsed values are this read's own): a spread copy of every record
    // read cost as much as the parse and, promoted by V8, most of a plan's peak memory.
    if (planned) Object.assign(record.desired, planned);
    const merged = record as IssueRecord;
    merged.current = state?.current ?? {};
    merged.rank = rank;
    merged.lastWrittenAt = state?.lastWrittenAt ?? null;
    return merged;
  }

  /**
   * Saves records in one round trip, moving each in the ranking when its member changed.
   * `previousMembers[i]` is the member records[i] had before (or null). What the tracker holds
   * (state and rank) is saved only where no write was recorded since the record was read
   * (SAVE_PULLED_STATE): the write's record is newer than the pull's.
   */
  async putMany(
    records: readonly IssueRecord[],
    previousMembers: readonly (string | null)[] = [],
  ): Promise<void> {
    if (records.length === 0) return;
    const batch = new TaggedBatch(this.redis);
    this.addScores(batch, records, previousMembers);
    const pulled = new Map<string, string[]>();
    for (const record of records) {
      const args = pulled.get(record.trackerId) ?? [];
      args.push(
        record.id,
        record.lastWrittenAt ?? '',
        encodeState(record),
        JSON.stringify(record.rank),
      );
      pulled.set(record.trackerId, args);
      const multi = batch.at(this.keys.trackerTag(record.trackerId));
      multi.hset(this.keys.keyIndex(record.trackerId), record.key, record.id);
    }
    for (const [trackerId, args] of pulled) {
      batch
        .at(this.keys.trackerTag(trackerId))
        .eval(
          SAVE_PULLED_STATE,
          2,
          this.keys.trackerState(trackerId),
          this.keys.trackerRank(trackerId),
          ...args,
        );
    }
    await batch.exec();
  }

  /**
   * The scoring part of a save: record, ranking member, status counts (one MULTI per tracker),
   * and the tracker's name in the list of ranked trackers (deployment-wide, alongside).
   */
  private addScores(
    batch: TaggedBatch,
    records: readonly IssueRecord[],
    previousMembers: readonly (string | null)[],
  ): void {
    const trackers = new Set<string>();
    records.forEach((record, i) => {
      const previous = previousMembers[i] ?? null;
      const ranking = this.keys.ranking(record.trackerId);
      const multi = batch.at(ranking);
      trackers.add(record.trackerId);
      multi.hset(this.keys.issues(record.trackerId), record.id, encodeRecord(record));
      if (previous !== record.member) {
        if (previous !== null) multi.zrem(ranking, previous);
        multi.zadd(ranking, 0, record.member);
      }
    });
    batch.at(this.keys.rankedTrackers).sadd(this.keys.rankedTrackers, ...trackers);
    this.countStatuses((trackerId) => batch.at(this.keys.trackerTag(trackerId)), records);
  }

  private countStatuses(
    multiOf: (trackerId: string) => ChainableCommander,
    records: readonly IssueRecord[],
    removed = false,
  ): void {
    const byTracker = new Map<string, string[]>();
    for (const r of records) {
      const args = byTracker.get(r.trackerId) ?? [];
      args.push(r.id, removed ? '' : r.result.status);
      byTracker.set(r.trackerId, args);
    }
    for (const [trackerId, args] of byTracker) {
      multiOf(trackerId).eval(
        UPDATE_COUNTS,
        2,
        this.keys.statusIndex(trackerId),
        this.keys.statusCounts(trackerId),
        ...args,
      );
    }
  }

  /** Issues of a tracker by status, kept up to date on every save (no scan). */
  async counts(trackerId: string): Promise<StatusCounts> {
    const raw = await this.redis.hgetall(this.keys.statusCounts(trackerId));
    const n = (k: string) => Math.max(0, Number(raw[k] ?? 0));
    return {
      total: n('scored') + n('unscored') + n('invalid'),
      scored: n('scored'),
      unscored: n('unscored'),
      invalid: n('invalid'),
    };
  }

  /** Saves records without touching their tracker state (scoring, planning). */
  async putScores(
    records: readonly IssueRecord[],
    previousMembers: readonly (string | null)[],
  ): Promise<void> {
    if (records.length === 0) return;
    const batch = new TaggedBatch(this.redis);
    this.addScores(batch, records, previousMembers);
    await batch.exec();
  }

  /** Saves the planner's values (rank position, sort key); an empty one is removed. */
  async putPlanned(
    trackerId: string,
    entries: readonly { id: string; planned: Planned }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const multi = this.redis.multi();
    for (const { id, planned } of entries) {
      if (Object.keys(planned).length === 0) multi.hdel(this.keys.planned(trackerId), id);
      else multi.hset(this.keys.planned(trackerId), id, JSON.stringify(planned));
    }
    await multi.exec();
  }

  /** Saves the tracker's rank of issues (read from the tracker by a plan). */
  async putRanks(
    trackerId: string,
    ranks: ReadonlyMap<string, string | number | null>,
  ): Promise<void> {
    if (ranks.size === 0) return;
    const fields = [...ranks].flatMap(([id, rank]) => [id, JSON.stringify(rank)]);
    await this.redis.hset(this.keys.trackerRank(trackerId), ...fields);
  }

  /**
   * Records a rank call: the issues' new rank values, for those still in the state (an issue
   * that left the scope while the call was out keeps no rank behind), with what the caller adds
   * (its audit entries) in one MULTI (one per hash tag on a Redis Cluster, tagged-batch.ts).
   */
  async recordRanks(
    trackerId: string,
    ranks: ReadonlyMap<string, string | number | null>,
    also: (batch: TaggedBatch) => void = () => undefined,
  ): Promise<void> {
    const batch = new TaggedBatch(this.redis);
    if (ranks.size > 0) {
      const fields = [...ranks].flatMap(([id, rank]) => [id, JSON.stringify(rank)]);
      batch
        .at(this.keys.trackerTag(trackerId))
        .eval(
          SET_HELD_RANKS,
          2,
          this.keys.issues(trackerId),
          this.keys.trackerRank(trackerId),
          ...fields,
        );
    }
    also(batch);
    if (batch.size > 0) await batch.exec();
  }

  /**
   * Records one write unit in one MULTI, right after the tracker accepted it: what the tracker now
   * holds, the sort keys it took, and what the caller's other stores add of the tracker's keys
   * (its issues' audit lists, the end of the sending marks), so a crash never leaves half of it.
   * Deployment-wide additions (the audit stream, run counters) go alongside in a MULTI of their
   * own on a Redis Cluster (tagged-batch.ts), in the same one on a single Redis.
   */
  async recordWritten(
    trackerId: string,
    states: readonly TrackerState[],
    ranks: ReadonlyMap<string, string | number | null>,
    also: (batch: TaggedBatch) => void = () => undefined,
  ): Promise<void> {
    const batch = new TaggedBatch(this.redis);
    const multi = batch.at(this.keys.trackerTag(trackerId));
    if (states.length > 0)
      multi.hset(
        this.keys.trackerState(trackerId),
        ...states.flatMap((s) => [s.id, encodeState(s)]),
      );
    if (ranks.size > 0)
      multi.hset(
        this.keys.trackerRank(trackerId),
        ...[...ranks].flatMap(([id, rank]) => [id, JSON.stringify(rank)]),
      );
    also(batch);
    await batch.exec();
  }

  /** Saves what the tracker now holds (after a write). */
  async putTrackerState(trackerId: string, states: readonly TrackerState[]): Promise<void> {
    if (states.length === 0) return;
    const fields = states.flatMap((s) => [s.id, encodeState(s)]);
    await this.redis.hset(this.keys.trackerState(trackerId), ...fields);
  }

  async remove(record: IssueRecord): Promise<void> {
    const now = Date.now();
    const left = this.keys.leftScope(record.trackerId);
    const multi = this.redis
      .multi()
      .zadd(left, now, record.id)
      .zremrangebyscore(left, '-inf', now - LEFT_SCOPE_MEMORY_MS)
      .hdel(this.keys.trackerState(record.trackerId), record.id)
      .hdel(this.keys.trackerRank(record.trackerId), record.id)
      .hdel(this.keys.planned(record.trackerId), record.id)
      .hdel(this.keys.issues(record.trackerId), record.id)
      .hdel(this.keys.keyIndex(record.trackerId), record.key)
      .zrem(this.keys.ranking(record.trackerId), record.member);
    this.countStatuses(() => multi, [record], true);
    await multi.exec();
  }

  /**
   * Of `issues` (pulled snapshots), those removed from the state after the page was asked for
   * (`pulledAtMs`; without it, after the snapshot's `updatedAt`), within LEFT_SCOPE_MEMORY_MS. A
   * page read before an issue left the scope and scored after the leaver check forgot it brought
   * it back into the ranking and its writes (the soak: writes to issues out of scope for a minute).
   */
  async removedSince(
    trackerId: string,
    issues: readonly { id: string; updatedAt: string }[],
    pulledAtMs?: number,
  ): Promise<Set<string>> {
    if (issues.length === 0) return new Set();
    const removedAt = await this.redis.zmscore(
      this.keys.leftScope(trackerId),
      ...issues.map((i) => i.id),
    );
    const out = new Set<string>();
    issues.forEach((issue, i) => {
      const at = removedAt[i];
      if (at == null) return;
      const readAt = pulledAtMs ?? Date.parse(issue.updatedAt);
      // An unreadable time counts as older: the issue stays out until a newer page.
      if (!(readAt > Number(at))) out.add(issue.id);
    });
    return out;
  }

  /**
   * 1-based unified positions of one tracker's issues, by id: one walk of the merged ranking
   * (cheaper in round trips than a position per issue when a whole tracker is planned).
   */
  async positionsOf(trackerId: string): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    for await (const { index, member } of this.ranking.walk()) {
      const ref = parseMember(member);
      if (ref.trackerId === trackerId) positions.set(ref.id, index + 1);
    }
    return positions;
  }

  /** 1-based unified positions of the given members, one round trip. */
  async positions(members: readonly string[]): Promise<(number | null)[]> {
    return this.ranking.positions(
      members.map((member) => ({ member, trackerId: parseMember(member).trackerId })),
    );
  }

  /**
   * A tracker's ranking members in order, in windows (ZRANGEBYLEX). The set may change while it
   * is walked: a caller may meet a member whose record is gone or holds another, and misses one
   * added before the window it reads.
   */
  trackerRanking(trackerId: string, chunk = 1000): AsyncGenerator<string[]> {
    return this.ranking.trackerWindows(trackerId, chunk);
  }

  async rankingSize(): Promise<number> {
    return this.ranking.size();
  }

  /** A page of the unified ranking, rank 1 first. */
  async rankingPage(
    offset: number,
    limit: number,
  ): Promise<{ rank: number; record: IssueRecord }[]> {
    if (limit <= 0) return [];
    return this.recordsFor(await this.ranking.page(offset, limit), offset);
  }

  /** The whole ranking at once (small backlogs and tests; large callers use `rankingWindows`). */
  async rankingAll(): Promise<{ rank: number; record: IssueRecord }[]> {
    const all: { rank: number; record: IssueRecord }[] = [];
    for await (const window of this.rankingWindows()) all.push(...window);
    return all;
  }

  /**
   * The unified ranking, rank 1 first, in windows of `chunk` records: a caller that reduces each
   * window never holds every record (README "Performance").
   */
  async *rankingWindows(chunk = 500): AsyncGenerator<{ rank: number; record: IssueRecord }[]> {
    let members: string[] = [];
    let offset = 0;
    for await (const { member } of this.ranking.walk()) {
      members.push(member);
      if (members.length < chunk) continue;
      yield await this.recordsFor(members, offset);
      offset += members.length;
      members = [];
    }
    if (members.length > 0) yield await this.recordsFor(members, offset);
  }

  private async recordsFor(
    members: string[],
    offset: number,
  ): Promise<{ rank: number; record: IssueRecord }[]> {
    const records = await this.read(members.map(parseMember));
    const out: { rank: number; record: IssueRecord }[] = [];
    records.forEach((record, i) => {
      // A member left behind by a record that was corrupt (and re-created) is not shown twice.
      if (record && record.member === members[i]) out.push({ rank: offset + i + 1, record });
    });
    return out;
  }

  async countByTracker(trackerId: string): Promise<number> {
    return this.redis.hlen(this.keys.issues(trackerId));
  }
}
