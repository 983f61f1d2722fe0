/**
 * Small per-deployment facts: sync watermarks, the scoring settings in force, write failures,
 * webhook de-duplication and snapshots, and (through `authFailures`) failed authentications.
 */
import type { RedisClient } from './redis-client.js';
import { z } from 'zod';
import { IssueSchema, type Issue } from '../domain/issue.js';
import { AuthFailures } from './auth-failures.js';
import { parseStoredJson, type OnCorrupt } from './corrupt.js';
import type { Keys } from './keys.js';
import type { TaggedBatch } from './tagged-batch.js';
import { runScript } from './lua.js';

/** A failed write, as stored and as the admin API answers it. */
export const FailureRecordSchema = z.object({
  trackerId: z.string(),
  issueId: z.string(),
  key: z.string(),
  message: z.string(),
  at: z.string(),
});
export type FailureRecord = z.infer<typeof FailureRecordSchema>;

const SEP = '\u0002';

/** How long a delivery id (and a body hash) is remembered. */
const DELIVERY_TTL_SEC = 86_400;
/** Suffix of the snapshot hash field holding the snapshot's `updatedAt` (ms). */
const SNAPSHOT_TIME = '\u0002updated';

/**
 * KEYS: the snapshots hash, then the delivery keys. ARGV: ttl, issue id ('' without snapshot),
 * snapshot JSON, its updatedAt in ms ('' when unknown), the time field suffix. Returns 1 when
 * accepted, 0 for a duplicate (nothing is stored then).
 */
const ACCEPT_DELIVERY = `
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 2, #KEYS do redis.call('SET', KEYS[i], '1', 'EX', ARGV[1]) end
if ARGV[2] ~= '' then
  local timeField = ARGV[2] .. ARGV[5]
  local held = tonumber(redis.call('HGET', KEYS[1], timeField) or '')
  local given = tonumber(ARGV[4])
  if held == nil or given == nil or given >= held then
    redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], timeField, ARGV[4])
  end
end
return 1
`;

/** SET NX PX: -1 when this caller claimed the check, else the ms it stays fresh (PTTL). */
const CLAIM_SCOPE_CHECK = `
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return -1 end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then return 0 end
return left`;

export class MetaStore {
  /** Failed authentications per client address (the server's rate limit on them). */
  readonly authFailures: AuthFailures;
  /** Per tracker: until when (this process's clock) its scope check is known to be fresh. */
  private readonly scopeFreshUntil = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** Told about every stored value that does not parse (it is then read as absent). */
    private readonly onCorrupt: OnCorrupt,
  ) {
    this.authFailures = new AuthFailures(redis, keys);
  }

  async watermark(trackerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.watermarks, trackerId);
  }

  /** Sets the watermark; the first run's start (noteFirstRun) is then no longer needed. */
  async setWatermark(trackerId: string, iso: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.watermarks, trackerId, iso)
      .hdel(this.keys.firstRuns, trackerId)
      .exec();
  }

  /** When the last complete full reconcile of a tracker started (ISO), or null. */
  /**
   * A run started with no watermark (a first sync): the earliest such start is kept, as every
   * record held was pulled after it. Scope checks ask for leavers since then until a watermark
   * exists (src/pipeline/scope-check.ts); a later first run that took over a lapsed lock must not
   * move it (the soak: leavers between the two starts were written to for two minutes).
   */
  async noteFirstRun(trackerId: string, startedAt: string): Promise<void> {
    await this.redis.hsetnx(this.keys.firstRuns, trackerId, startedAt);
  }

  async firstRun(trackerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.firstRuns, trackerId);
  }

  /**
   * Claims the tracker's next scope check when none was made in the last `freshMs`: true for one
   * caller, who then checks (src/pipeline/scope-check.ts). The claim counts as the check until it
   * expires, unless `scopeCheckFailed` gives it back. A refused claim tells how long the check
   * stays fresh, and until then this process asks Redis no more: a write asked before every call,
   * a sixth of a full sync's round trips. Another process's failed check is then retried by that
   * process, or here once the freshness runs out.
   */
  async claimScopeCheck(trackerId: string, freshMs: number): Promise<boolean> {
    if (Date.now() < (this.scopeFreshUntil.get(trackerId) ?? 0)) return false;
    const ms = Math.max(1, freshMs);
    const left = Number(
      await runScript(this.redis, CLAIM_SCOPE_CHECK, 1, this.keys.scopeChecked(trackerId), ms),
    );
    this.scopeFreshUntil.set(trackerId, Date.now() + (left < 0 ? ms : left));
    return left < 0;
  }

  /** The scope was checked `agoMs` ago (an incremental pull's first page): fresh for the rest. */
  async scopeChecked(trackerId: string, freshMs: number, agoMs: number): Promise<void> {
    const left = Math.ceil(freshMs - agoMs);
    if (left <= 0) return;
    await this.redis.set(this.keys.scopeChecked(trackerId), '1', 'PX', left);
    this.scopeFreshUntil.set(trackerId, Date.now() + left);
  }

  /** A claimed check failed: the next caller checks again. */
  async scopeCheckFailed(trackerId: string): Promise<void> {
    this.scopeFreshUntil.delete(trackerId);
    await this.redis.del(this.keys.scopeChecked(trackerId));
  }

  async lastFull(trackerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.lastFull, trackerId);
  }

  async setLastFull(trackerId: string, iso: string): Promise<void> {
    await this.redis.hset(this.keys.lastFull, trackerId, iso);
  }

  /** Stores the settings hash; returns the one stored before (null on first start). */
  async swapSettingsHash(hash: string): Promise<string | null> {
    return this.redis.set(this.keys.settings, hash, 'GET');
  }

  async recordFailures(failures: readonly FailureRecord[]): Promise<void> {
    if (failures.length === 0) return;
    const multi = this.redis.multi();
    for (const f of failures)
      multi.hset(this.keys.failures, `${f.trackerId}${SEP}${f.issueId}`, JSON.stringify(f));
    await multi.exec();
  }

  /** Adds the clearing of the issues' failures to a caller's MULTI (a write's record). */
  addClearFailures(batch: TaggedBatch, trackerId: string, issueIds: readonly string[]): void {
    if (issueIds.length === 0) return;
    const fields = issueIds.map((id) => `${trackerId}${SEP}${id}`);
    batch.at(this.keys.failures).hdel(this.keys.failures, ...fields);
  }

  async failures(): Promise<FailureRecord[]> {
    const raw = await this.redis.hgetall(this.keys.failures);
    return Object.entries(raw)
      .map(([field, json]) => {
        const [trackerId = '', id = ''] = field.split(SEP);
        const at = { subject: 'failure' as const, trackerId, id, field: 'failure record' };
        return parseStoredJson(FailureRecordSchema, json, at, this.onCorrupt);
      })
      .filter((f): f is FailureRecord => f !== null)
      .sort((a, b) => (a.at < b.at ? 1 : -1));
  }

  /**
   * Accepts a webhook delivery once: `deliveryIds` are its names (the tracker's delivery header and
   * a hash of the body, so a replay under a new header is still a duplicate). False, and nothing
   * stored, when any of them was seen within a day. An accepted delivery that carries the issue
   * stores its snapshot for the score job, unless a newer one (by the issue's `updatedAt`) is
   * already waiting: a tracker retrying an old delivery after a newer one never wins. One round
   * trip (a webhook's answer waits on it).
   */
  async acceptDelivery(
    trackerId: string,
    deliveryIds: readonly string[],
    snapshot: { issueId: string; json: string; updatedAt: string } | null,
  ): Promise<boolean> {
    const keys = [
      this.keys.snapshots(trackerId),
      ...deliveryIds.map((id) => this.keys.delivery(trackerId, id)),
    ];
    const updatedMs = snapshot ? Date.parse(snapshot.updatedAt) : NaN;
    const accepted = await runScript(
      this.redis,
      ACCEPT_DELIVERY,
      keys.length,
      ...keys,
      DELIVERY_TTL_SEC,
      snapshot?.issueId ?? '',
      snapshot?.json ?? '',
      Number.isFinite(updatedMs) ? String(updatedMs) : '',
      SNAPSHOT_TIME,
    );
    return accepted === 1;
  }

  /** Forgets a delivery (it could not be queued), so the tracker's retry is processed. */
  async forgetDelivery(trackerId: string, deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.redis.del(...deliveryIds.map((id) => this.keys.delivery(trackerId, id)));
  }

  /**
   * Takes (reads and deletes, atomically) the latest webhook snapshot of an issue, so a burst of
   * deliveries is scored from the newest one once. Null when there is none or it is corrupt.
   */
  async takeSnapshot(trackerId: string, issueId: string): Promise<Issue | null> {
    const key = this.keys.snapshots(trackerId);
    const [[, json]] = (await this.redis
      .multi()
      .hget(key, issueId)
      .hdel(key, issueId, `${issueId}${SNAPSHOT_TIME}`)
      .exec()) as [[unknown, string | null], unknown];
    if (json === null) return null;
    const at = { subject: 'issue' as const, trackerId, id: issueId, field: 'webhook snapshot' };
    return parseStoredJson(IssueSchema, json, at, this.onCorrupt);
  }
}
