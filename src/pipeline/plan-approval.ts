/**
 * Deciding on a review-mode tracker's pending plan (README "Review before write"): approving
 * items queues the very write and rank jobs auto mode queues (same locks, rate limits, audit);
 * discarding drops them until what they ask for changes. Routes and CLI both call these.
 */
import { randomUUID } from 'node:crypto';
import { JOB, WRITE_BATCH, WRITE_JOB_PRIORITY, type RankData } from '../queues.js';
import { AuditLog } from '../store/audit.js';
import type { StoredItem } from '../store/pending-plans.js';
import type { PipelineContext } from './context.js';
import { approvedSteps } from './pending-plan-build.js';
import { itemSummary } from './plan-words.js';
import { PlanError, trackerOf } from './review-plans.js';

type PlanContext = Pick<PipelineContext, 'config' | 'plans' | 'queues' | 'audit'>;

/** The items `keys` name (all when absent), after checking tracker, mode and keys. */
async function chosenItems(
  ctx: PlanContext,
  trackerId: string,
  keys: readonly string[] | undefined,
): Promise<StoredItem[]> {
  const tracker = trackerOf(ctx, trackerId);
  if (tracker.writeMode !== 'review') {
    throw new PlanError(
      'not_in_review',
      409,
      `tracker '${trackerId}' writes automatically (writeMode: auto): it has no pending plan`,
    );
  }
  const { items } = await ctx.plans.get(trackerId);
  if (items.length === 0)
    throw new PlanError('nothing_pending', 409, `nothing pending for tracker '${trackerId}'`);
  if (keys === undefined) return items;
  const byKey = new Map(items.map((i) => [i.key, i]));
  const missing = [...new Set(keys)].filter((k) => !byKey.has(k));
  if (missing.length > 0) {
    throw new PlanError(
      'not_in_plan',
      400,
      `not in the pending plan of '${trackerId}': ${missing.join(', ')}`,
      missing,
    );
  }
  return [...new Set(keys)].map((k) => byKey.get(k) as StoredItem);
}

/**
 * Runs the chosen items through the normal write path: write jobs for their values (and Linear
 * sort keys), one rank job for their order calls. `by` is recorded per item in the audit log.
 */
export async function approvePlan(
  ctx: PlanContext,
  trackerId: string,
  keys: readonly string[] | undefined,
  by: string,
): Promise<{ approved: number; remaining: number }> {
  const chosen = await chosenItems(ctx, trackerId, keys);
  const { taken, steps, remaining } = await ctx.plans.take(
    trackerId,
    chosen.map((i) => i.issueId),
  );
  const tag = `approve-${randomUUID()}`;
  const why = `approved by ${by}`;
  const writeIds = taken.filter((i) => i.writes).map((i) => i.issueId);
  const jobs = [];
  for (let i = 0; i < writeIds.length; i += WRITE_BATCH) {
    const issueIds = writeIds.slice(i, i + WRITE_BATCH);
    jobs.push({
      name: JOB.write,
      data: { trackerId, runId: null, issueIds, why },
      opts: { jobId: `${tag}-w${i / WRITE_BATCH}`, priority: WRITE_JOB_PRIORITY },
    });
  }
  const rank = approvedSteps(steps, new Set(taken.map((i) => i.issueId)));
  if (rank.length > 0) {
    const newRanks: RankData['newRanks'] = {};
    for (const step of rank)
      for (const [id, value] of Object.entries(step.ranks))
        if (value !== null) newRanks[id] = value;
    // First, as a plan queues it: its calls form one ordered chain beside the writes.
    jobs.unshift({
      name: JOB.rank,
      data: {
        trackerId,
        runId: null,
        batches: rank.map(({ ranks: _ranks, ...batch }) => batch),
        newRanks,
      },
      opts: { jobId: `${tag}-rank`, priority: WRITE_JOB_PRIORITY },
    });
  }
  if (jobs.length > 0) await ctx.queues.tracker(trackerId).addBulk(jobs);
  await audit(ctx, trackerId, taken, 'approved', by);
  return { approved: taken.length, remaining };
}

/** Drops the chosen items; each comes back once what it asks for changes. */
export async function discardPlan(
  ctx: PlanContext,
  trackerId: string,
  keys: readonly string[] | undefined,
  by: string,
): Promise<{ discarded: number; remaining: number }> {
  const chosen = await chosenItems(ctx, trackerId, keys);
  const { taken, remaining } = await ctx.plans.take(
    trackerId,
    chosen.map((i) => i.issueId),
  );
  await audit(ctx, trackerId, taken, 'discarded', by);
  return { discarded: taken.length, remaining };
}

function audit(
  ctx: Pick<PipelineContext, 'audit'>,
  trackerId: string,
  items: readonly StoredItem[],
  decision: 'approved' | 'discarded',
  by: string,
): Promise<void> {
  const at = new Date().toISOString();
  return ctx.audit.append(
    items.map((i) =>
      AuditLog.review(
        { at, trackerId, issueId: i.issueId, key: i.key },
        decision,
        by,
        itemSummary(i),
      ),
    ),
  );
}
