/** Starting and finishing sync runs (shared by the sync worker, the CLI and the admin API). */
import { randomUUID } from 'node:crypto';
import { JOB, type PlanData, type SyncStartData } from '../queues.js';
import type { PipelineContext } from './context.js';
import { recordBacklogHistory } from './score-history.js';

export function newRunId(trackerId: string): string {
  return `${trackerId}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Queues a sync of one tracker and returns its run id (the job that starts it is `sync-start`). */
export async function enqueueSync(
  ctx: Pick<PipelineContext, 'queues'>,
  data: Omit<SyncStartData, 'runId' | 'group'>,
): Promise<string> {
  const [runId] = await enqueueSyncs(ctx, [data]);
  return runId as string;
}

/** Queues syncs that belong together: their plans wait until every one of them is scored. */
export async function enqueueSyncs(
  ctx: Pick<PipelineContext, 'queues'>,
  syncs: readonly Omit<SyncStartData, 'runId' | 'group'>[],
): Promise<string[]> {
  const runIds = syncs.map((s) => newRunId(s.trackerId));
  for (const [i, data] of syncs.entries()) {
    const runId = runIds[i] as string;
    const job: SyncStartData = { ...data, runId, ...(runIds.length > 1 ? { group: runIds } : {}) };
    await ctx.queues.tracker(data.trackerId).add(JOB.syncStart, job, { jobId: `${runId}-start` });
  }
  return runIds;
}

/**
 * A run's pages are all scored: plan it, or, for a run of a group, plan the whole group once
 * every run of it is scored (so each tracker's unified rank positions see every tracker). A
 * tracker that writes no unified position plans at once: its values and its board's order depend
 * on its own issues only, and waiting for the slowest tracker's pull left its budget unused.
 */
export async function scorePhaseDone(
  ctx: PipelineContext,
  runId: string,
  trackerId: string,
): Promise<void> {
  const run = await ctx.runs.info(runId);
  const group = run?.group ?? [];
  if (group.length <= 1) {
    if (run?.status !== 'done') await enqueuePlan(ctx, { trackerId, runId, rescore: false });
    return;
  }
  const ownPlan = !ctx.connectors.get(trackerId)?.writes.has('rankPosition');
  if (ownPlan && run?.status !== 'done')
    await enqueuePlan(ctx, { trackerId, runId, rescore: false });
  if (!(await ctx.runs.groupScored(group, runId))) return;
  for (const member of group) {
    const memberRun = await ctx.runs.info(member);
    // A run skipped at its start (another sync of its tracker was running) is already done; a
    // plan queued already (the same job id) is not queued again.
    if (memberRun && memberRun.status !== 'done') {
      await enqueuePlan(ctx, { trackerId: memberRun.trackerId, runId: member, rescore: false });
    }
  }
}

export async function enqueuePlan(ctx: PipelineContext, data: PlanData): Promise<void> {
  const jobId = data.runId ? `${data.runId}-plan` : undefined;
  await ctx.queues.score.add(JOB.plan, data, jobId ? { jobId } : {});
}

/** Failures named in a run's `sync finished` line; the rest are in its summary and /admin/failed. */
const MAX_LOGGED_FAILURES = 20;

/** Marks the run done, advances the watermark (unless a pull failed or it was a dry run). */
export async function completeRun(ctx: PipelineContext, runId: string): Promise<void> {
  const run = await ctx.runs.info(runId);
  if (!run) return;
  const { trackerId, startedAt } = run;
  const finishedAt = new Date();
  if (!run.dryRun && !run.pullFailed) {
    await ctx.meta.setWatermark(trackerId, startedAt);
    if (run.full) await ctx.meta.setLastFull(trackerId, startedAt);
  }
  await ctx.runs.complete(runId, finishedAt.toISOString());
  await ctx.runs.releaseLock(trackerId, runId);
  await recordBacklogHistory(ctx, trackerId);
  const seconds = (finishedAt.getTime() - Date.parse(startedAt)) / 1000;
  ctx.metrics.syncDuration.observe(
    { tracker: trackerId, kind: run.full ? 'full' : 'incremental' },
    seconds,
  );
  const summary = await ctx.runs.summary(runId);
  const failures = summary?.failures ?? [];
  const failed = summary?.failed ?? 0;
  const fields = { runId, trackerId, seconds, ...summary, failures: failures.length };
  if (failed === 0) {
    ctx.logger.info(fields, 'sync finished');
    return;
  }
  // A run that failed says why in its log line (the first few reasons), not only in its summary.
  ctx.logger.warn(
    {
      ...fields,
      failures: failures
        .slice(0, MAX_LOGGED_FAILURES)
        .map((f) => ({ key: f.key, message: f.message })),
      ...(failures.length > MAX_LOGGED_FAILURES
        ? { failuresNotLogged: failures.length - MAX_LOGGED_FAILURES }
        : {}),
    },
    'sync finished',
  );
}
