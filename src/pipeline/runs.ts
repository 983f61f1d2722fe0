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
  data: Omit<SyncStartData, 'runId' | 'group'>,
): Promise<string> {
  const [runId] = await enqueueSyncs(ctx, [data]);
  return runId as string;
}

/** Queues syncs that belong together: their plans wait until every one of them is scored. */
export async function enqueueSyncs(
  ctx: PipelineContext,
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

// Marks a run of a group scored; 1 when the whole group is (plans are queued by job id, so
// seeing it twice is harmless).
const GROUP_SCORED = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], 604800)
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
return 0`;

/**
 * A run's pages are all scored: plan it, or, for a run of a group, plan the whole group once
 * every run of it is scored (so each tracker's unified rank positions see every tracker).
 */
export async function scorePhaseDone(
  ctx: PipelineContext,
  runId: string,
  trackerId: string,
): Promise<void> {
  const [groupJson, status] = await ctx.redis.hmget(ctx.keys.run(runId), 'group', 'status');
  const group = groupJson ? (JSON.parse(groupJson) as string[]) : [];
  if (group.length <= 1) {
    if (status !== 'done') await enqueuePlan(ctx, { trackerId, runId, rescore: false });
    return;
  }
  const base = `${ctx.keys.run(group[0] as string)}:group`;
  const all = await ctx.redis.eval(GROUP_SCORED, 1, `${base}:scored`, runId, group.length);
  if (all !== 1) return;
  for (const member of group) {
    const [memberTracker, memberStatus] = await ctx.redis.hmget(
      ctx.keys.run(member),
      'trackerId',
      'status',
    );
    // A run skipped at its start (another sync of its tracker was running) is already done.
    if (memberTracker && memberStatus !== 'done') {
      await enqueuePlan(ctx, { trackerId: memberTracker, runId: member, rescore: false });
    }
  }
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
