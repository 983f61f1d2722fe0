/** Starting and finishing sync runs (shared by the sync worker, the CLI and the admin API). */
import { randomUUID } from 'node:crypto';
import { JOB, type PlanData, type SyncStartData } from '../queues.js';
import type { PipelineContext } from './context.js';

/** A run that overlaps another of the same tracker is refused; the lock outlives a stuck run. */
const ACTIVE_RUN_TTL_SEC = 30 * 60;

export function newRunId(trackerId: string): string {
  return `${trackerId}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Queues a sync of one tracker and returns its run id (the job that starts it is `sync-start`). */
export async function enqueueSync(
  ctx: PipelineContext,
  data: Omit<SyncStartData, 'runId'>,
): Promise<string> {
  const runId = newRunId(data.trackerId);
  await ctx.queues
    .tracker(data.trackerId)
    .add(JOB.syncStart, { ...data, runId }, { jobId: `${runId}-start` });
  return runId;
}

export async function acquireRunLock(
  ctx: PipelineContext,
  trackerId: string,
  runId: string,
): Promise<string | null> {
  const key = ctx.keys.activeRun(trackerId);
  const ok = await ctx.redis.set(key, runId, 'EX', ACTIVE_RUN_TTL_SEC, 'NX');
  return ok === 'OK' ? null : ctx.redis.get(key);
}

export async function enqueuePlan(ctx: PipelineContext, data: PlanData): Promise<void> {
  const jobId = data.runId ? `${data.runId}-plan` : undefined;
  await ctx.queues.score.add(JOB.plan, data, jobId ? { jobId } : {});
}

/** Marks the run done, advances the watermark (unless a pull failed or it was a dry run). */
export async function completeRun(ctx: PipelineContext, runId: string): Promise<void> {
  const [trackerId, startedAt, full, dryRun, pullFailed] = await ctx.redis.hmget(
    ctx.keys.run(runId),
    'trackerId',
    'startedAt',
    'full',
    'dryRun',
    'pullFailed',
  );
  if (!trackerId || !startedAt) return;
  const finishedAt = new Date();
  if (dryRun !== '1' && pullFailed !== '1') await ctx.meta.setWatermark(trackerId, startedAt);
  await ctx.runs.complete(runId, finishedAt.toISOString());
  // Release the tracker's lock only if this run still holds it.
  const key = ctx.keys.activeRun(trackerId);
  if ((await ctx.redis.get(key)) === runId) await ctx.redis.del(key);
  const seconds = (finishedAt.getTime() - Date.parse(startedAt)) / 1000;
  ctx.metrics.syncDuration.observe(
    { tracker: trackerId, kind: full === '1' ? 'full' : 'incremental' },
    seconds,
  );
  const summary = await ctx.runs.summary(runId);
  ctx.logger.info(
    { runId, trackerId, seconds, ...summary, failures: summary?.failures.length },
    'sync finished',
  );
}
