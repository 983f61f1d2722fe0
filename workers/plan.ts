/**
 * Plan: after a sync's pages are scored (or webhook edits settle, or the formula changed), decide
 * every value and rank move one tracker needs and queue them as write and rank jobs.
 */
import type { Job } from 'bullmq';
import { connectorFor, type PipelineContext } from '../src/pipeline/context.js';
import { planTracker } from '../src/pipeline/plan-tracker.js';
import { completeRun } from '../src/pipeline/runs.js';
import { rescoreStale, SETTINGS_CHANGED } from '../src/pipeline/rescore.js';
import { JOB, WRITE_BATCH, type PlanData, type RankData } from '../src/queues.js';
import type { IssueRecord } from '../src/store/issue-record.js';
import type { RunInfo } from '../src/store/run-record.js';
import type { TrackerRank } from '../src/domain/index.js';
import { plannedOf } from '../src/store/issue-store.js';

// Plans hold a whole tracker in memory: one at a time per process keeps the peak at one tracker.
const planChains = new WeakMap<PipelineContext, Promise<unknown>>();

export function processPlan(ctx: PipelineContext, data: PlanData, job: Job): Promise<void> {
  const previous = planChains.get(ctx) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => plan(ctx, data, job));
  planChains.set(ctx, next);
  return next;
}

async function plan(ctx: PipelineContext, data: PlanData, job: Job): Promise<void> {
  const run = data.runId ? await ctx.runs.info(data.runId) : null;
  // A run is planned once: a second plan job for it (a score phase seen twice) has nothing to do.
  if (run?.planned) return;
  const connector = connectorFor(ctx, data.trackerId);
  let records = await ctx.store.all(data.trackerId);
  if (run) {
    await ctx.runs.touchLock(data.trackerId, run.runId);
    records = await dropUnseen(ctx, run, records);
  }
  records = await rescoreStale(ctx, connector, records, data.rescore);
  // Unified positions cost a read of the whole ranking: only when this tracker writes them.
  const positions = connector.writes.has('rankPosition')
    ? await ctx.store.positionsOf(data.trackerId)
    : new Map<string, number>();
  let decided = planTracker(records, positions, connector, ctx.settings);
  const order = connector.order;
  // A complete full pull has just read every rank; otherwise stored ranks may be stale (a
  // tracker renumbers its ranks without touching `updated`): before moving anything, plan again
  // on the order the tracker has now.
  const ranksFresh = run !== null && run.full && !run.pullFailed;
  if (decided.moved > 0 && !ranksFresh && order?.currentRanks) {
    records = await refreshRanks(ctx, data.trackerId, records, () => order.currentRanks!());
    decided = planTracker(records, positions, connector, ctx.settings);
  }
  // Only the planner's own values are saved (rank position, sort key), and only where they moved:
  // a score saved meanwhile by a webhook's job is never overwritten with the older one read here.
  const plannedBefore = new Map(records.map((r) => [r.id, JSON.stringify(plannedOf(r.desired))]));
  await ctx.store.putPlanned(
    data.trackerId,
    decided.records
      .map((r) => ({ id: r.id, planned: plannedOf(r.desired) }))
      .filter((e) => plannedBefore.get(e.id) !== JSON.stringify(e.planned)),
  );

  const dryRun = run?.dryRun ?? false;
  if (data.runId) {
    const scored = records.length - decided.writeIds.length;
    await ctx.runs.count(data.runId, { unchanged: scored, moved: decided.moved });
  }
  if (dryRun && data.runId) {
    await ctx.runs.addChanges(data.runId, decided.lines);
    if (await ctx.runs.planWrites(data.runId, 0)) await completeRun(ctx, data.runId);
    return;
  }

  const queue = ctx.queues.tracker(data.trackerId);
  const tag = data.runId ?? `plan-${job.id ?? Date.now()}`;
  const jobs = [];
  // Issues with a write job still waiting are covered by it (it re-reads their values).
  const writeIds = await ctx.locks.markQueued(data.trackerId, decided.writeIds);
  for (let i = 0; i < writeIds.length; i += WRITE_BATCH) {
    const issueIds = writeIds.slice(i, i + WRITE_BATCH);
    jobs.push({
      name: JOB.write,
      data: { trackerId: data.trackerId, runId: data.runId, issueIds, why: why(data, run) },
      opts: { jobId: `${tag}-w${i / WRITE_BATCH}` },
    });
  }
  if (decided.orderSteps.length > 0) {
    const newRanks = Object.assign(
      {},
      ...decided.orderSteps.map((s) => s.ranks),
    ) as RankData['newRanks'];
    const batches = decided.orderSteps.map(({ ranks: _ranks, ...batch }) => batch);
    // First in the queue: its calls form one ordered chain, so it should run beside the writes.
    jobs.unshift({
      name: JOB.rank,
      data: { trackerId: data.trackerId, runId: data.runId, batches, newRanks },
      opts: { jobId: `${tag}-rank` },
    });
  }
  if (data.runId && (await ctx.runs.planWrites(data.runId, jobs.length)))
    await completeRun(ctx, data.runId);
  if (jobs.length > 0) await queue.addBulk(jobs);
  ctx.logger.debug(
    {
      trackerId: data.trackerId,
      runId: data.runId,
      writes: decided.writeIds.length,
      moves: decided.moved,
    },
    'plan queued',
  );
}

function why(data: PlanData, run: RunInfo | null): string {
  if (data.rescore) return SETTINGS_CHANGED;
  if (run) return run.reason ?? `sync ${run.runId}`;
  return 'issues changed (webhooks)';
}

/** Records with the tracker's current ranks (saved); on a failed read, the stored ones. */
async function refreshRanks(
  ctx: PipelineContext,
  trackerId: string,
  records: IssueRecord[],
  currentRanks: () => Promise<Map<string, TrackerRank>>,
): Promise<IssueRecord[]> {
  let ranks: Map<string, TrackerRank>;
  try {
    ranks = await currentRanks();
  } catch (err) {
    ctx.logger.warn(
      { trackerId, err: err instanceof Error ? err.message : String(err) },
      'could not read the current order; planning on stored ranks',
    );
    return records;
  }
  const changed = new Map<string, TrackerRank>();
  const next = records.map((r) => {
    const rank = ranks.get(r.id);
    if (rank === undefined || rank === r.rank) return r;
    changed.set(r.id, rank);
    return { ...r, rank };
  });
  await ctx.store.putRanks(trackerId, changed);
  return next;
}

/** A full run saw every issue in scope: the rest left the scope (done, moved, deleted). */
async function dropUnseen(
  ctx: PipelineContext,
  run: RunInfo,
  records: IssueRecord[],
): Promise<IssueRecord[]> {
  const { runId } = run;
  if (!run.full || run.pullFailed) return records;
  const seen = await ctx.runs.seen(runId);
  const gone = records.filter((r) => !seen.has(r.id));
  for (const record of gone) await ctx.store.remove(record);
  if (gone.length > 0)
    ctx.logger.info({ runId, removed: gone.map((r) => r.key) }, 'issues left the scope');
  return records.filter((r) => seen.has(r.id));
}
