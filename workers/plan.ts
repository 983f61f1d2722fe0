/**
 * Plan: after a sync's pages are scored (or webhook edits settle, or the formula changed), decide
 * every value and rank move one tracker needs and queue them as write and rank jobs.
 */
import type { Job } from 'bullmq';
import { connectorFor, type PipelineContext } from '../src/pipeline/context.js';
import { planStored } from '../src/pipeline/plan-stored.js';
import { completeRun } from '../src/pipeline/runs.js';
import { SETTINGS_CHANGED } from '../src/pipeline/rescore.js';
import { inReviewMode, savePendingPlan } from '../src/pipeline/review-plans.js';
import {
  JOB,
  WRITE_BATCH,
  WRITE_JOB_PRIORITY,
  type PlanData,
  type RankData,
} from '../src/queues.js';
import type { RunInfo } from '../src/store/run-record.js';

// One plan at a time per process: plans stream in windows, and this keeps the peak at one window
// set and one tracker's compact columns.
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
  if (!run && !data.rescore && (await ctx.meta.watermark(data.trackerId)) === null) {
    // Webhook edits before the first sync has finished: that sync's own plan orders the board.
    // Planned on the part pulled so far, every burst of webhooks re-ordered (and re-wrote) the
    // whole board while the first run's pages waited behind those writes (the soak: a first run
    // took the whole 10 minutes). The edited issue's own values are written by its score job.
    ctx.logger.debug({ trackerId: data.trackerId }, 'plan left to the first sync, still running');
    return;
  }
  const connector = connectorFor(ctx, data.trackerId);
  if (run) await ctx.runs.touchLock(data.trackerId, run.runId);
  const dryRun = run?.dryRun ?? false;
  const review = inReviewMode(ctx, data.trackerId);
  // Taken before any rank is read: a rank job queued by an earlier plan stops before its next
  // call, as this plan covers what it has not sent (docs/architecture.md, "One plan orders the
  // board"). Under a stream of webhooks, every plan queued the same moves again: the soak sent
  // 16,163 rank calls in 3 minutes for a board of 1,770 issues.
  const generation =
    connector.order && !dryRun && !review
      ? await ctx.locks.nextOrderGeneration(data.trackerId)
      : undefined;
  // The tracker's records are streamed in windows, never all held at once (plan-stored.ts).
  const decided = await planStored(ctx, data.trackerId, connector, {
    run,
    rescore: data.rescore,
    lines: dryRun,
    keepRecords: review,
  });

  if (data.runId) {
    const scored = decided.total - decided.writeIds.length;
    await ctx.runs.count(data.runId, { unchanged: scored, moved: decided.moved });
  }
  if (dryRun && data.runId) {
    await ctx.runs.addChanges(data.runId, decided.lines);
    if (await ctx.runs.planWrites(data.runId, 0)) await completeRun(ctx, data.runId);
    return;
  }
  if (review) {
    // Review mode: the writes wait in the tracker's pending plan, re-planned here every time,
    // until an admin approves them (README "Review before write").
    const pending = await savePendingPlan(ctx, data.trackerId, decided.records, decided.orderSteps);
    if (data.runId && (await ctx.runs.planWrites(data.runId, 0)))
      await completeRun(ctx, data.runId);
    ctx.logger.debug({ trackerId: data.trackerId, runId: data.runId, pending }, 'plan pending');
    return;
  }

  const queue = ctx.queues.tracker(data.trackerId);
  const tag = data.runId ?? `plan-${job.id ?? Date.now()}`;
  const jobs = [];
  // Issues with a write job still waiting are covered by it (it re-reads their values).
  const writeIds = await ctx.locks.markQueued(data.trackerId, decided.writeIds, tag);
  for (let i = 0; i < writeIds.length; i += WRITE_BATCH) {
    const issueIds = writeIds.slice(i, i + WRITE_BATCH);
    jobs.push({
      name: JOB.write,
      data: { trackerId: data.trackerId, runId: data.runId, issueIds, why: why(data, run) },
      opts: { jobId: `${tag}-w${i / WRITE_BATCH}`, priority: WRITE_JOB_PRIORITY },
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
      data: { trackerId: data.trackerId, runId: data.runId, batches, newRanks, generation },
      opts: { jobId: `${tag}-rank`, priority: WRITE_JOB_PRIORITY },
    });
  }
  // Jobs first, then the run's count of them: a plan killed in between runs again (the run is
  // not planned yet), gets back the issues it marked queued (markQueued's owner) and adds the same
  // job ids. Counted first, a plan killed before adding left the run waiting for jobs that never
  // came, and its issues marked queued for 15 minutes.
  if (jobs.length > 0) await queue.addBulk(jobs);
  if (data.runId && (await ctx.runs.planWrites(data.runId, jobs.length)))
    await completeRun(ctx, data.runId);
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
