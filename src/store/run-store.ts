/**
 * Sync runs: counters for the summary, and the bookkeeping that tells when a run is complete
 * across processes: pages pulled -> score jobs settled -> plan made -> write jobs settled.
 * Each transition is one Lua script (run-scripts.ts), so two workers can never both (or neither)
 * take it. The store also owns a tracker's active-run lock and the run events channel.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { OnCorrupt } from './corrupt.js';
import type { Keys } from './keys.js';
import { TaggedBatch } from './tagged-batch.js';
import {
  parseRunInfo,
  parseRunSummary,
  RUN_COUNTERS,
  type RunCounter,
  type RunFailure,
  type RunInfo,
  type RunSummary,
} from './run-record.js';
import {
  ACQUIRE_RUN_LOCK,
  FINISH_PAGES,
  FINISH_SCORE,
  FINISH_WRITE,
  GROUP_SCORED,
  PAGE_PULLED,
  PLAN_WRITES,
  RELEASE_RUN_LOCK,
  RUN_TTL_SEC,
  TOUCH_RUN_LOCK,
} from './run-scripts.js';
import { runScript } from './lua.js';

/**
 * A run that overlaps another of the same tracker is refused. The run holds its tracker's lock
 * while it makes progress: each step (a page pulled or scored, the plan, a write job) extends it
 * (`touchLock`). A run that stops making progress (its jobs lost with a Redis crash, say) lets the
 * next sync start this long after its last step, instead of blocking syncs for good.
 */
const RUN_LOCK_IDLE_SEC = 120;

export { RUN_COUNTERS, type RunCounter, type RunFailure, type RunInfo, type RunSummary };

/** Stops a subscription to run events. */
export interface RunEvents {
  close(): Promise<void>;
}

export class RunStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** Told about every stored value that does not parse (it is then read as absent). */
    private readonly onCorrupt: OnCorrupt,
  ) {}

  async create(run: {
    runId: string;
    trackerId: string;
    full: boolean;
    dryRun: boolean;
    sinceIso: string | null;
    startedAt: string;
    /** Run ids started together with this one (see scorePhaseDone). */
    group?: string[];
    /** Why it was started, when not the schedule (see RunInfo.reason). */
    reason?: string;
    /** The tracker's rank-call count before the pull (see RunInfo.rankCallsAtStart). */
    rankCalls?: number;
  }): Promise<void> {
    const key = this.keys.run(run.runId);
    const fields: Record<string, string | number> = {
      runId: run.runId,
      trackerId: run.trackerId,
      full: run.full ? 1 : 0,
      dryRun: run.dryRun ? 1 : 0,
      status: 'running',
      startedAt: run.startedAt,
      sinceIso: run.sinceIso ?? '',
      group: JSON.stringify(run.group ?? []),
      writePending: 0,
      ...(run.reason ? { reason: run.reason } : {}),
      ...(run.rankCalls === undefined ? {} : { rankCalls: run.rankCalls }),
    };
    for (const c of RUN_COUNTERS) fields[c] = 0;
    await this.redis
      .multi()
      .hset(key, fields)
      .expire(key, RUN_TTL_SEC)
      .hset(this.keys.runsByTracker, run.trackerId, run.runId)
      .exec();
  }

  async count(runId: string, counters: Partial<Record<RunCounter, number>>): Promise<void> {
    const multi = this.redis.multi();
    this.addCount(multi, runId, counters);
    await multi.exec();
  }

  /**
   * Adds counters to another store's MULTI, so they land with what they count or not at all (on a
   * Redis Cluster: in the MULTI of the deployment's tag, sent alongside; tagged-batch.ts).
   */
  addCount(
    batch: ChainableCommander | TaggedBatch,
    runId: string,
    counters: Partial<Record<RunCounter, number>>,
  ): void {
    const multi = batch instanceof TaggedBatch ? batch.at(this.keys.run(runId)) : batch;
    for (const [field, n] of Object.entries(counters))
      if (n) multi.hincrby(this.keys.run(runId), field, n);
    multi.publish(this.keys.events, runId);
  }

  async addFailure(runId: string, failure: RunFailure): Promise<void> {
    const key = this.keys.runFailures(runId);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify(failure))
      .expire(key, RUN_TTL_SEC)
      .hincrby(this.keys.run(runId), 'failed', 1)
      .exec();
  }

  /** Records a planned change of a dry run (what would be written). */
  async addChanges(runId: string, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const key = this.keys.runChanges(runId);
    await this.redis
      .multi()
      .rpush(key, ...lines)
      .expire(key, RUN_TTL_SEC)
      .exec();
  }

  async changes(runId: string): Promise<string[]> {
    return this.redis.lrange(this.keys.runChanges(runId), 0, -1);
  }

  private pageSets(runId: string): [string, string, string] {
    return [
      this.keys.run(runId),
      `${this.keys.run(runId)}:pages`,
      `${this.keys.run(runId)}:scored`,
    ];
  }

  /**
   * Marks page `page` as pulled and handed to scoring, counting its issues once (a retried page
   * job does not count them again).
   */
  async pageEnqueued(runId: string, page: number, pulled: number): Promise<void> {
    const [run, pages] = this.pageSets(runId);
    await runScript(this.redis, PAGE_PULLED, 2, run, pages, page, pulled, this.keys.events, runId);
  }

  /** Page `page` is scored; true when this completes the score phase (enqueue the plan). */
  async finishScore(runId: string, page: number): Promise<boolean> {
    return (await runScript(this.redis, FINISH_SCORE, 3, ...this.pageSets(runId), page)) === 1;
  }

  /** The last page was pulled; true when this completes the score phase (enqueue the plan). */
  async finishPages(runId: string): Promise<boolean> {
    return (await runScript(this.redis, FINISH_PAGES, 3, ...this.pageSets(runId))) === 1;
  }

  /** Whether the run has pulled a page or finished its pull (it is under way or over). */
  async pullBegun(runId: string): Promise<boolean> {
    const [run, pages] = this.pageSets(runId);
    const replies = await this.redis.multi().exists(pages).hexists(run, 'pagesDone').exec();
    return (replies ?? []).some(([, n]) => n === 1);
  }

  /** Ids seen by a full run, so the plan can drop issues that left the scope. */
  async markSeen(runId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const key = `${this.keys.run(runId)}:seen`;
    await this.redis
      .multi()
      .sadd(key, ...ids)
      .expire(key, RUN_TTL_SEC)
      .exec();
  }

  async seen(runId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(`${this.keys.run(runId)}:seen`));
  }

  /**
   * Records that page `page` of the run is pulled with `cursor` (hash `run:<run>:cursors`, cursor
   * -> page). Returns the earlier page the tracker already gave this cursor for, or null: a
   * retried page job claims its own cursor again without a conflict.
   */
  async claimCursor(runId: string, page: number, cursor: string): Promise<number | null> {
    const key = `${this.keys.run(runId)}:cursors`;
    const replies = await this.redis
      .multi()
      .hsetnx(key, cursor, page)
      .expire(key, RUN_TTL_SEC)
      .hget(key, cursor)
      .exec();
    const first = replies?.[2]?.[1];
    if (typeof first !== 'string') return null;
    return Number(first) === page ? null : Number(first);
  }

  /** Returns true when the run has no write jobs (so it is complete now). */
  async planWrites(runId: string, jobs: number): Promise<boolean> {
    return (await runScript(this.redis, PLAN_WRITES, 1, this.keys.run(runId), jobs)) === 1;
  }

  async finishWrite(runId: string, jobId: string): Promise<boolean> {
    return (
      (await runScript(
        this.redis,
        FINISH_WRITE,
        2,
        this.keys.run(runId),
        this.keys.runAccounted(runId),
        jobId,
      )) === 1
    );
  }

  async complete(runId: string, finishedAt: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.run(runId), { status: 'done', finishedAt })
      .publish(this.keys.events, runId)
      .exec();
  }

  /** Marks that a pull could not finish (`completed`: the run has nothing left to do either). */
  async markPullFailed(runId: string, options: { completed?: boolean } = {}): Promise<void> {
    const fields: Record<string, number> = { pullFailed: 1 };
    if (options.completed) fields['completed'] = 1;
    await this.redis.hset(this.keys.run(runId), fields);
  }

  /** Whether the run's plan has queued its writes already (a second plan has nothing to do). */
  async isPlanned(runId: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.run(runId), 'writesPlanned')) === 1;
  }

  /**
   * Marks a run of a group scored; true when every run of the group is (plans are queued by job
   * id, so more than one caller seeing it is harmless).
   */
  async groupScored(group: readonly string[], runId: string): Promise<boolean> {
    const first = group[0];
    if (first === undefined) return true;
    const key = `${this.keys.run(first)}:group:scored`;
    return (await runScript(this.redis, GROUP_SCORED, 1, key, runId, group.length)) === 1;
  }

  /**
   * Takes the tracker's active-run lock for `runId` (a run that overlaps another of the same
   * tracker is refused). Returns null when taken, otherwise the run id holding it.
   */
  async acquireLock(trackerId: string, runId: string): Promise<string | null> {
    const holder = await runScript(
      this.redis,
      ACQUIRE_RUN_LOCK,
      1,
      this.keys.activeRun(trackerId),
      runId,
      RUN_LOCK_IDLE_SEC,
    );
    return typeof holder === 'string' ? holder : null;
  }

  /** A step of the run made progress: its lock lasts another RUN_LOCK_IDLE_SEC (if it holds it). */
  async touchLock(trackerId: string, runId: string): Promise<void> {
    await runScript(
      this.redis,
      TOUCH_RUN_LOCK,
      1,
      this.keys.activeRun(trackerId),
      runId,
      RUN_LOCK_IDLE_SEC,
    );
  }

  /** Releases the tracker's active-run lock, only if `runId` still holds it. */
  async releaseLock(trackerId: string, runId: string): Promise<void> {
    await runScript(this.redis, RELEASE_RUN_LOCK, 1, this.keys.activeRun(trackerId), runId);
  }

  /** A run's state; null when it does not exist (or expired) or is corrupt (reported). */
  async info(runId: string): Promise<RunInfo | null> {
    return parseRunInfo(runId, await this.redis.hgetall(this.keys.run(runId)), this.onCorrupt);
  }

  async summary(runId: string): Promise<RunSummary | null> {
    const [hash, failures] = await Promise.all([
      this.redis.hgetall(this.keys.run(runId)),
      this.redis.lrange(this.keys.runFailures(runId), 0, -1),
    ]);
    const run = parseRunInfo(runId, hash, this.onCorrupt);
    return run && parseRunSummary(run, hash, failures, this.onCorrupt);
  }

  /**
   * Calls `onRun(runId)` whenever a run's counters or status change (Redis pub/sub on a connection
   * of its own), until `close()`.
   */
  async subscribe(onRun: (runId: string) => void): Promise<RunEvents> {
    const subscriber = this.redis.duplicate();
    subscriber.on('message', (_channel: string, runId: string) => onRun(runId));
    try {
      await subscriber.subscribe(this.keys.events);
    } catch (err) {
      subscriber.disconnect();
      throw err;
    }
    return {
      // The subscription is over either way; a failed QUIT only means the socket is gone already.
      close: () =>
        subscriber.quit().then(
          () => undefined,
          () => undefined,
        ),
    };
  }

  /** The latest run id per tracker. */
  async latestRuns(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.runsByTracker);
  }
}
