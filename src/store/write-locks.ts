/**
 * Per-issue write locks: an issue is written by one job at a time, so two jobs never send the
 * tracker competing values for it. Each lock is a key with a TTL and its owner (one run of a job).
 *
 * Next to each lock, a "sending" mark says a write of the issue went out and its result was not
 * recorded yet. A write job that died (SIGKILL, lost host) leaves its marks behind; whoever writes
 * the issue next (the same job re-run, or another) first reads what the tracker holds, so an edit
 * the tracker accepted but nobody recorded is recorded rather than sent again.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from './redis-client.js';
import type { Keys } from './keys.js';
import type { TaggedBatch } from './tagged-batch.js';
import { ReplicaWait } from './replica-wait.js';
import { runScript } from './lua.js';

/** How long a mark outlives a dead writer: longer than any stall recovery or job backoff. */
const SENDING_TTL_MS = 3_600_000;

// KEYS: lock, mark, lock, mark, ... ARGV: owner, ttl ms, the owner's job part (`<job id>#`), the
// owner's attempt. Takes each free lock, one this owner holds, or one held by an earlier attempt
// of the same job: a job re-run after its worker died (or lost its queue lock) takes its locks
// back at once, and the run it replaces, if still alive, fails its next CLAIM and can never take
// them back (its attempt is older), so the two never both send.
// Returns per issue 0 (held by another job), 1 (taken) or 2 (taken, and a write of it may have
// gone out unrecorded: read the tracker before writing).
const LOCK = `
local out = {}
for i = 1, #KEYS, 2 do
  local lock, mark = KEYS[i], KEYS[i + 1]
  local held = redis.call('GET', lock)
  local heldAttempt = nil
  if held and string.sub(held, 1, #ARGV[3]) == ARGV[3] then
    heldAttempt = tonumber(string.match(string.sub(held, #ARGV[3] + 1), '^(%d+)#'))
  end
  if not held or held == ARGV[1] or (heldAttempt and heldAttempt < tonumber(ARGV[4])) then
    redis.call('SET', lock, ARGV[1], 'PX', ARGV[2])
    out[#out + 1] = redis.call('EXISTS', mark) == 1 and 2 or 1
  else
    out[#out + 1] = 0
  end
end
return out`;
// KEYS[1] = the tracker's issues hash, then lock, mark pairs as LOCK; ARGV: owner, ttl ms, mark
// ttl ms, then the issue ids. Immediately before a call, makes sure the issue is still in the
// state (an issue that left the scope while the call waited for its rate slot is never sent) and
// that this very run still holds each lock, extends it and marks the issue as sending. Returns
// 1/0 per issue. A lock that lapsed is not taken back here: whoever held it since may have
// written the issue and let go (a replaced run did, and its predecessor then re-took the absent
// lock and sent its older values again: the soak's duplicate writes). The writer takes it anew
// through LOCK and reads the issue again first.
const CLAIM = `
local out = {}
for i = 2, #KEYS, 2 do
  local lock, mark = KEYS[i], KEYS[i + 1]
  local held = redis.call('HEXISTS', KEYS[1], ARGV[3 + i / 2]) == 1
  if held and redis.call('GET', lock) == ARGV[1] then
    redis.call('PEXPIRE', lock, ARGV[2])
    redis.call('SET', mark, ARGV[1], 'PX', ARGV[3])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out`;
// Releases only the locks this owner holds.
const UNLOCK = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1`;

// Marks each issue as having a write job queued by ARGV[2] (the job that queues it); returns 1
// where the mark is new, or already that job's own. ARGV: ttl ms, owner.
const MARK_QUEUED = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[2], 'PX', ARGV[1], 'NX') then
    out[i] = 1
  elseif redis.call('GET', key) == ARGV[2] then
    redis.call('PEXPIRE', key, ARGV[1])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out`;

/**
 * How long a "queued" mark lasts if its job never starts (a queue emptied by hand): after it, a
 * plan queues the issue again. A job that waits longer only means a second job may be queued,
 * which re-reads and sends nothing twice.
 */
const QUEUED_TTL_MS = 15 * 60_000;

export type LockState = 'taken' | 'unsure';

/** How often a job waiting for another's locks looks again. */
const LOCK_POLL_MS = 100;

/**
 * A lock owner: one run (attempt) of one job. The job id alone let a re-run and the run it
 * replaced (alive, but its queue lock lost to a slow event loop or a Redis restart) both send the
 * same edits: the soak saw 40 duplicate Jira writes in 3 s that way. The attempt (BullMQ's
 * `attemptsStarted`, which a re-run after a stall increments) orders them; the queue-lock token
 * makes each run's owner unique.
 */
export function writeOwner(jobId: string, attempt: number, runToken: string): string {
  return `${jobId}#${Math.max(0, Math.floor(attempt))}#${runToken}`;
}

/** The job part of an owner (`<job id>#`) and its attempt. */
function ownerParts(owner: string): { job: string; attempt: number } {
  const m = /^(.*)#(\d+)#[^#]*$/.exec(owner);
  return m ? { job: `${m[1] ?? ''}#`, attempt: Number(m[2]) } : { job: `${owner}#`, attempt: 0 };
}

export class WriteLocks {
  private readonly replicas: ReplicaWait;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    this.replicas = new ReplicaWait(redis);
  }

  private mark(trackerId: string, issueId: string): string {
    return `${this.keys.writeLock(trackerId, issueId)}:sending`;
  }

  private lockAndMarkKeys(trackerId: string, ids: readonly string[]): string[] {
    return ids.flatMap((id) => [this.keys.writeLock(trackerId, id), this.mark(trackerId, id)]);
  }

  /**
   * Locks what it can of `ids` for `owner` for `ttlMs`. Returns the ids it took: `unsure` where a
   * write went out and was never recorded (read the tracker first), else `taken`.
   */
  async lock(
    trackerId: string,
    ids: readonly string[],
    ttlMs: number,
    owner: string,
  ): Promise<Map<string, LockState>> {
    if (ids.length === 0) return new Map();
    const keys = this.lockAndMarkKeys(trackerId, ids);
    const taken = (await runScript(
      this.redis,
      LOCK,
      keys.length,
      ...keys,
      owner,
      ttlMs,
      ownerParts(owner).job,
      ownerParts(owner).attempt,
    )) as number[];
    const out = new Map<string, LockState>();
    ids.forEach((id, i) => {
      if (taken[i] === 1) out.set(id, 'taken');
      else if (taken[i] === 2) out.set(id, 'unsure');
    });
    return out;
  }

  /**
   * Immediately before a call: confirms (or takes back) `owner`'s locks of `ids` for `ttlMs` and
   * marks them as sending until `done` records the result. Returns the ids it may send: never one
   * that left the state (the scope) meanwhile.
   * On a Redis Cluster the marks are on a replica before this returns (replica-wait.ts): a mark
   * lost with a failed master would let a re-run send the same edit again.
   */
  async claim(
    trackerId: string,
    ids: readonly string[],
    ttlMs: number,
    owner: string,
  ): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const keys = [this.keys.issues(trackerId), ...this.lockAndMarkKeys(trackerId, ids)];
    const claimed = (await runScript(
      this.redis,
      CLAIM,
      keys.length,
      ...keys,
      owner,
      ttlMs,
      SENDING_TTL_MS,
      ...ids,
    )) as number[];
    if (claimed.includes(1)) await this.replicas.confirm(this.keys.trackerTag(trackerId));
    return new Set(ids.filter((_, i) => claimed[i] === 1));
  }

  /**
   * Whether a later run of `owner`'s job holds any of `ids`: this run was replaced (its queue
   * lock lost, the job handed to another worker) and should stop rather than wait out the rate
   * slots it booked, which every other job then waits behind.
   */
  async replaced(trackerId: string, ids: readonly string[], owner: string): Promise<boolean> {
    if (ids.length === 0) return false;
    const mine = ownerParts(owner);
    const holders = await this.redis.mget(...ids.map((id) => this.keys.writeLock(trackerId, id)));
    return holders.some((held) => {
      if (held === null || !held.startsWith(mine.job)) return false;
      return ownerParts(held).attempt > mine.attempt;
    });
  }

  /** Adds to `batch` the end of the issues' sending marks (their result is recorded with it). */
  addDone(batch: TaggedBatch, trackerId: string, ids: readonly string[]): void {
    if (ids.length > 0)
      batch.at(this.keys.trackerTag(trackerId)).del(...ids.map((id) => this.mark(trackerId, id)));
  }

  private queuedKey(trackerId: string, issueId: string): string {
    return `${this.keys.writeLock(trackerId, issueId)}:queued`;
  }

  /**
   * Marks `ids` as having a write job waiting, queued by `owner` (the plan or score job about to
   * add it); returns those not marked already, and those `owner` marked itself. A waiting job
   * re-reads each issue's values when it runs, so it covers every change planned until then: a
   * plan queues only the issues returned, and never piles up jobs that fight over the locks. A job
   * killed between marking and adding its write job runs again under the same id and gets its
   * marks back: before, no plan queued those issues until the marks expired (the 10-minute soak:
   * 5 values never written, even by the full syncs at its end).
   */
  async markQueued(trackerId: string, ids: readonly string[], owner: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.queuedKey(trackerId, id));
    const fresh = (await runScript(
      this.redis,
      MARK_QUEUED,
      keys.length,
      ...keys,
      QUEUED_TTL_MS,
      owner,
    )) as number[];
    return ids.filter((_, i) => fresh[i] === 1);
  }

  /** A write job starts on `ids`: changes planned from now on need a job of their own. */
  async clearQueued(trackerId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.del(...ids.map((id) => this.queuedKey(trackerId, id)));
  }

  /**
   * Resolves once no job holds a lock on any of `ids`, or after `maxWaitMs`. A lock lasts only
   * while its holder's calls go out, so this is short; polled, as lock expiry publishes nothing.
   */
  async waitUntilFree(trackerId: string, ids: readonly string[], maxWaitMs: number): Promise<void> {
    if (ids.length === 0) return;
    const keys = ids.map((id) => this.keys.writeLock(trackerId, id));
    const deadline = Date.now() + maxWaitMs;
    while (Date.now() < deadline && (await this.redis.exists(...keys)) > 0)
      await delay(Math.min(LOCK_POLL_MS, Math.max(1, deadline - Date.now())));
  }

  /**
   * For issues locked as `unsure`: waits while a sending mark is younger than `callTtlMs`, as the
   * call it marks may still be on its way (a run replaced while alive, after a failover or a lost
   * queue lock, records its last calls when they answer). Reading the tracker before that call
   * lands sent the same edit again. Resolves with the ids whose marks are still there: their
   * calls went out and were never recorded, so read the tracker before writing them.
   */
  async waitForSenders(
    trackerId: string,
    ids: readonly string[],
    callTtlMs: number,
  ): Promise<Set<string>> {
    let pending = [...ids];
    for (;;) {
      if (pending.length === 0) return new Set();
      const ttls = await Promise.all(
        pending.map((id) => this.redis.pttl(this.mark(trackerId, id))),
      );
      const marked = pending.filter((_, i) => (ttls[i] ?? -2) !== -2);
      // A mark's age is what its TTL lost since the claim set it (no clocks compared).
      const young = marked.filter(
        (id) => SENDING_TTL_MS - (ttls[pending.indexOf(id)] ?? 0) < callTtlMs,
      );
      if (young.length === 0) return new Set(marked);
      pending = marked;
      await delay(LOCK_POLL_MS);
    }
  }

  /**
   * A plan that may order the board takes the next generation before it reads any rank; a rank
   * job planned under an older one stops before its next call (`isOrderSuperseded`). The newer
   * plan read the board as the older job had left it and covers what that job had not sent yet,
   * so two jobs never send the same moves (docs/architecture.md, "One plan orders the board").
   */
  async nextOrderGeneration(trackerId: string): Promise<number> {
    return this.redis.incr(this.keys.orderGeneration(trackerId));
  }

  /** True once a plan newer than `generation` has started (see `nextOrderGeneration`). */
  async isOrderSuperseded(trackerId: string, generation: number): Promise<boolean> {
    const current = Number((await this.redis.get(this.keys.orderGeneration(trackerId))) ?? 0);
    // Lower (the key lost with Redis data) is not newer: the job goes on.
    return current > generation;
  }

  /**
   * Counts a rank call once it has been answered (or failed: it may have landed). A full run
   * notes the count when it starts: unchanged when its plan begins, no rank call of ours landed
   * while its pages were read, so the ranks it pulled are the board's (plan-stored.ts).
   */
  async noteRankCall(trackerId: string): Promise<void> {
    await this.redis.incr(this.keys.rankCalls(trackerId));
  }

  /** Rank calls counted so far (see `noteRankCall`). */
  async rankCalls(trackerId: string): Promise<number> {
    return Number((await this.redis.get(this.keys.rankCalls(trackerId))) ?? 0);
  }

  /** Releases those of `ids` that `owner` holds. */
  async unlock(trackerId: string, ids: readonly string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    const keys = ids.map((id) => this.keys.writeLock(trackerId, id));
    await runScript(this.redis, UNLOCK, keys.length, ...keys, owner);
  }
}
