/**
 * Sync runs: counters for the summary, and the bookkeeping that tells when a run is complete
 * across processes: pages pulled -> score jobs settled -> plan made -> write jobs settled.
 * Each transition is one Lua script, so two workers can never both (or neither) take it.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export const RUN_COUNTERS = [
  'pulled',
  'scored',
  'unscored',
  'invalid',
  'written',
  'unchanged',
  'failed',
  'moved',
] as const;
export type RunCounter = (typeof RUN_COUNTERS)[number];

export interface RunFailure {
  trackerId: string;
  key: string;
  message: string;
}

export interface RunSummary extends Record<RunCounter, number> {
  runId: string;
  trackerId: string;
  full: boolean;
  dryRun: boolean;
  status: 'running' | 'done';
  startedAt: string;
  finishedAt: string | null;
  failures: RunFailure[];
}

/** Run data lives a week: enough for status pages and post-mortems. */
const RUN_TTL_SEC = 7 * 86_400;

// Pages are tracked as sets (enqueued for scoring / scored), so a retried or re-run job never
// counts twice. Returns 1 whenever the score phase is complete: more than one caller may see it
// (a retried job, a worker that died after seeing it), and the plan job's id makes that harmless,
// whereas a "first caller only" flag would leave the run waiting forever if that caller died.
const SCORE_PHASE_DONE = `
if redis.call('HGET', KEYS[1], 'pagesDone') == '1' and redis.call('SCARD', KEYS[2]) == redis.call('SCARD', KEYS[3]) then return 1 end
return 0`;
const FINISH_SCORE = `
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ${RUN_TTL_SEC})
${SCORE_PHASE_DONE}`;
const FINISH_PAGES = `
redis.call('HSET', KEYS[1], 'pagesDone', '1')
${SCORE_PHASE_DONE}`;
const PAGE_PULLED = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'pulled', ARGV[2]) end
redis.call('EXPIRE', KEYS[2], ${RUN_TTL_SEC})
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`;
// Counts a write job once (retries and stalled re-runs are ignored); 1 when the run is now done.
const FINISH_WRITE = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[2], ${RUN_TTL_SEC})
local pending = redis.call('HINCRBY', KEYS[1], 'writePending', -1)
if pending <= 0 and redis.call('HSETNX', KEYS[1], 'completed', '1') == 1 then return 1 end
return 0`;
// Sets the number of write jobs once per run; 1 when there are none (the run is done).
const PLAN_WRITES = `
if redis.call('HSETNX', KEYS[1], 'writesPlanned', ARGV[1]) == 0 then return 0 end
local pending = redis.call('HINCRBY', KEYS[1], 'writePending', tonumber(ARGV[1]))
if pending <= 0 and redis.call('HSETNX', KEYS[1], 'completed', '1') == 1 then return 1 end
return 0`;

export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
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
    for (const [field, n] of Object.entries(counters))
      if (n) multi.hincrby(this.keys.run(runId), field, n);
    multi.publish(this.keys.events, runId);
    await multi.exec();
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
    await this.redis.eval(PAGE_PULLED, 2, run, pages, page, pulled, this.keys.events, runId);
  }

  /** Page `page` is scored; true when this completes the score phase (enqueue the plan). */
  async finishScore(runId: string, page: number): Promise<boolean> {
    return (await this.redis.eval(FINISH_SCORE, 3, ...this.pageSets(runId), page)) === 1;
  }

  /** The last page was pulled; true when this completes the score phase (enqueue the plan). */
  async finishPages(runId: string): Promise<boolean> {
    return (await this.redis.eval(FINISH_PAGES, 3, ...this.pageSets(runId))) === 1;
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

  /** Returns true when the run has no write jobs (so it is complete now). */
  async planWrites(runId: string, jobs: number): Promise<boolean> {
    return (await this.redis.eval(PLAN_WRITES, 1, this.keys.run(runId), jobs)) === 1;
  }

  async finishWrite(runId: string, jobId: string): Promise<boolean> {
    return (
      (await this.redis.eval(
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

  async field(runId: string, field: string): Promise<string | null> {
    return this.redis.hget(this.keys.run(runId), field);
  }

  async summary(runId: string): Promise<RunSummary | null> {
    const [hash, failures] = await Promise.all([
      this.redis.hgetall(this.keys.run(runId)),
      this.redis.lrange(this.keys.runFailures(runId), 0, -1),
    ]);
    if (!hash['runId']) return null;
    const counters = Object.fromEntries(
      RUN_COUNTERS.map((c) => [c, Number(hash[c] ?? 0)]),
    ) as Record<RunCounter, number>;
    return {
      ...counters,
      runId,
      trackerId: hash['trackerId'] ?? '',
      full: hash['full'] === '1',
      dryRun: hash['dryRun'] === '1',
      status: hash['status'] === 'done' ? 'done' : 'running',
      startedAt: hash['startedAt'] ?? '',
      finishedAt: hash['finishedAt'] ?? null,
      failures: failures.map((f) => JSON.parse(f) as RunFailure),
    };
  }

  /** The latest run id per tracker. */
  async latestRuns(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.runsByTracker);
  }
}
