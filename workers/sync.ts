/** Sync: start a run, then pull one page per job and hand it to scoring in one bulk job. */
import type { Job } from 'bullmq';
import type { PullPage } from '../connectors/connector.js';
import { connectorFor, type PipelineContext } from '../src/pipeline/context.js';
import {
  isFinal,
  MAX_PAUSES_IN_JOB,
  rateLimitedFor,
  rethrowForQueue,
} from '../src/pipeline/job-errors.js';
import { completeRun, newRunId, scorePhaseDone } from '../src/pipeline/runs.js';
import { JOB, type SyncPageData, type SyncStartData } from '../src/queues.js';
import type { RunInfo } from '../src/store/run-record.js';
import { shouldRunFull } from '../src/pipeline/scheduler.js';
import {
  checkScopeMeanwhile,
  checkSince,
  forgetLeavers,
  scopeCheckedAt,
} from '../src/pipeline/scope-check.js';

export async function processSyncStart(ctx: PipelineContext, data: SyncStartData): Promise<string> {
  const runId = data.runId ?? newRunId(data.trackerId);
  const [watermark, lastFull] = await Promise.all([
    ctx.meta.watermark(data.trackerId),
    ctx.meta.lastFull(data.trackerId),
  ]);
  const now = new Date();
  // First syncs are full, and so is any run once a full reconcile is due (see shouldRunFull).
  const full = shouldRunFull(
    { full: data.full, watermark, lastFull },
    now.getTime(),
    ctx.config.sync,
  );
  const startedAt = now.toISOString();
  let holder = await ctx.runs.acquireLock(data.trackerId, runId);
  if (holder === runId) {
    // This very job ran before (BullMQ gave a stalled job to a worker again): the lock is this
    // run's own, not another sync's. Carry on where the first attempt stopped.
    const started = await ctx.runs.info(runId);
    if (started !== null) {
      await queueFirstPage(ctx, started, watermark);
      return runId;
    }
    holder = null; // the first attempt stopped before creating the run
  }
  if (holder !== null && data.runId === undefined) {
    // A scheduled sync that overlaps a running one is skipped: the next tick catches up, and a
    // due full reconcile is taken by the next run that starts (shouldRunFull). Routine: debug.
    ctx.logger.debug(
      { trackerId: data.trackerId, running: holder },
      'scheduled sync skipped: another is running',
    );
    // Issues that left the scope still go at once: a long run (a first full reconcile under
    // rate limits) must not keep them ranked and written until it ends (the soak: minutes).
    // Since the watermark, or, on a first sync (none yet), since the first run started.
    const since =
      (await checkSince(ctx, data.trackerId)) ?? (await ctx.runs.info(holder))?.startedAt ?? null;
    if (since !== null) await checkScopeMeanwhile(ctx, data.trackerId, since);
    return runId;
  }
  await ctx.runs.create({
    runId,
    trackerId: data.trackerId,
    full,
    dryRun: data.dryRun,
    sinceIso: full ? null : watermark,
    startedAt,
    group: data.group ?? [],
    ...(data.reason ? { reason: data.reason } : {}),
    // Read before the first page: a rank call counted after this is seen by the plan.
    rankCalls: await ctx.locks.rankCalls(data.trackerId),
  });
  if (holder !== null) {
    // Someone asked for this run (CLI, admin): tell them why it did nothing.
    await ctx.runs.addFailure(runId, {
      trackerId: data.trackerId,
      key: '(sync)',
      message: `another sync of ${data.trackerId} is running (${holder}); this one was skipped`,
    });
    await ctx.runs.markPullFailed(runId, { completed: true });
    await completeRun(ctx, runId);
    await scorePhaseDone(ctx, runId, data.trackerId); // its group must not wait for it
    return runId;
  }
  if (watermark === null) await ctx.meta.noteFirstRun(data.trackerId, startedAt);
  ctx.logger.info({ runId, trackerId: data.trackerId, full, since: watermark }, 'sync started');
  await addFirstPage(ctx, data.trackerId, runId, full ? null : watermark);
  return runId;
}

/** The run's first page job (by job id: adding it again while it exists does nothing). */
async function addFirstPage(
  ctx: PipelineContext,
  trackerId: string,
  runId: string,
  sinceIso: string | null,
): Promise<void> {
  const page: SyncPageData = { trackerId, runId, page: 0, cursor: null, sinceIso };
  await ctx.queues.tracker(trackerId).add(JOB.syncPage, page, { jobId: `${runId}-p0` });
}

/**
 * A start job running again for a run it created: its first page is queued unless the pull is
 * under way (a page is recorded) or the run is over. The first attempt may have stopped between
 * creating the run and queueing the page; a page job still there makes the add a no-op.
 */
async function queueFirstPage(
  ctx: PipelineContext,
  run: RunInfo,
  watermark: string | null,
): Promise<void> {
  if (run.status === 'done' || (await ctx.runs.pullBegun(run.runId))) return;
  ctx.logger.info({ runId: run.runId, trackerId: run.trackerId }, 'sync start resumed');
  // The watermark moves only when a run completes, so it is still the one the run started from.
  await addFirstPage(ctx, run.trackerId, run.runId, run.full ? null : watermark);
}

export async function processSyncPage(
  ctx: PipelineContext,
  data: SyncPageData,
  job: Job,
): Promise<void> {
  const queue = ctx.queues.tracker(data.trackerId);
  let result;
  const pulledAtMs = Date.now();
  try {
    result = await pullPaced(ctx, data);
  } catch (err) {
    if (isFinal(err, job)) await failPull(ctx, data, err);
    return rethrowForQueue(err, queue, ctx.metrics, data.trackerId);
  }
  const { issues, nextCursor } = result;
  if (result.removedIds && result.removedIds.length > 0) {
    await forgetLeavers(ctx, data, result.removedIds);
  }
  // An incremental pull's first page asked which issues left the scope (scope-check.ts).
  if (data.page === 0 && data.sinceIso !== null)
    await scopeCheckedAt(ctx, data.trackerId, pulledAtMs);
  // Marked (and counted) once, before the next page can finish the run's pulling. The three are
  // independent and sent together: pages are the critical path of a sync.
  const [, , stop] = await Promise.all([
    ctx.runs.pageEnqueued(data.runId, data.page, issues.length),
    ctx.runs.touchLock(data.trackerId, data.runId),
    nextCursor === null ? null : pageLimitReached(ctx, data, nextCursor),
  ]);
  // The next pull starts before this page's issues are handed on: pages are the critical path.
  if (nextCursor !== null && stop === null) {
    const next: SyncPageData = { ...data, page: data.page + 1, cursor: nextCursor };
    await queue.add(JOB.syncPage, next, { jobId: `${data.runId}-p${data.page + 1}` });
  }
  await ctx.queues.score.add(
    JOB.scorePage,
    {
      trackerId: data.trackerId,
      runId: data.runId,
      page: data.page,
      full: data.sinceIso === null,
      issues,
      pulledAtMs,
    },
    { jobId: `${data.runId}-s${data.page}` },
  );
  if (stop !== null) await recordPullStop(ctx, data, stop);
  if ((nextCursor === null || stop !== null) && (await ctx.runs.finishPages(data.runId))) {
    await scorePhaseDone(ctx, data.runId, data.trackerId);
  }
}

/**
 * The most pages one run pulls (README "Security"): 10,000 pages of 100 issues, a backlog of a
 * million issues per tracker. A run that reaches it stops pulling and fails, so a tracker that
 * keeps answering a next page can never keep a run (and its API budget) busy for ever.
 */
export const MAX_PAGES_PER_RUN = 10_000;

/**
 * Why the pull must stop before following `nextCursor`, or null: the page cap, or a cursor the
 * tracker already gave in this run (it would loop the run through the same pages).
 */
async function pageLimitReached(
  ctx: PipelineContext,
  data: SyncPageData,
  nextCursor: string,
): Promise<string | null> {
  const nextPage = data.page + 1;
  if (nextPage >= MAX_PAGES_PER_RUN) {
    return `the pull stopped after ${MAX_PAGES_PER_RUN} pages, the most one run pulls; the tracker kept answering a next page (is its scope a bounded query?)`;
  }
  const first = await ctx.runs.claimCursor(data.runId, nextPage, nextCursor);
  if (first === null) return null;
  return `the tracker repeated the cursor of page ${first} as the next page after page ${data.page}: the pull stopped so the run cannot loop; the pages before were kept`;
}

/** A pull stopped by `pageLimitReached`: the run fails with the reason; what was pulled is planned. */
async function recordPullStop(
  ctx: PipelineContext,
  data: SyncPageData,
  message: string,
): Promise<void> {
  ctx.logger.error(
    { runId: data.runId, trackerId: data.trackerId, page: data.page, err: message },
    'sync pull stopped',
  );
  await ctx.runs.addFailure(data.runId, {
    trackerId: data.trackerId,
    key: `(page ${data.page + 1})`,
    message,
  });
  await ctx.runs.markPullFailed(data.runId);
}

/**
 * One page, under the tracker's rate limits in Redis like every write: waits out its pause (and
 * takes a slot while its budget's slow pace is in force), lets the budget the tracker reports set
 * the pace, and on a 429 pauses every process for exactly the Retry-After and pulls again, a few
 * times, before the job goes back to the queue (rethrowForQueue).
 */
async function pullPaced(ctx: PipelineContext, data: SyncPageData): Promise<PullPage> {
  const connector = connectorFor(ctx, data.trackerId);
  for (let pauses = 0; ; pauses++) {
    await ctx.limiter.readTurn(data.trackerId);
    try {
      const page = await connector.pullPage({ cursor: data.cursor, sinceIso: data.sinceIso });
      await ctx.limiter.followBudget(data.trackerId, connector.budget());
      return page;
    } catch (err) {
      const limitedFor = rateLimitedFor(err);
      if (limitedFor === null) throw err;
      await ctx.limiter.pause(data.trackerId, Date.now() + limitedFor);
      if (pauses + 1 >= MAX_PAUSES_IN_JOB) throw err; // counted by rethrowForQueue
      ctx.metrics.apiErrors.inc({ tracker: data.trackerId, class: 'rate_limited' });
    }
  }
}

/** A pull that cannot succeed ends the run's pulling; what was pulled is still planned. */
async function failPull(ctx: PipelineContext, data: SyncPageData, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  ctx.logger.error(
    { runId: data.runId, trackerId: data.trackerId, page: data.page, err: message },
    'sync pull failed',
  );
  await ctx.runs.addFailure(data.runId, {
    trackerId: data.trackerId,
    key: `(page ${data.page})`,
    message,
  });
  await ctx.runs.markPullFailed(data.runId);
  if (await ctx.runs.finishPages(data.runId)) {
    await scorePhaseDone(ctx, data.runId, data.trackerId);
  }
}
