/**
 * Review before write (README "Review before write"): a tracker with `writeMode: review` is still
 * pulled, scored, ranked and stored, but its plan jobs save what they would write into one pending
 * plan (src/store/pending-plans.ts) instead of queueing it; approving and discarding items is in
 * plan-approval.ts. The admin routes and the CLI both go through these functions.
 */
import type { OrderStep } from '../../connectors/connector.js';
import type { IssueRecord } from '../store/issue-record.js';
import type { StoredItem } from '../store/pending-plans.js';
import type { PipelineContext } from './context.js';
import { pendingItems } from './pending-plan-build.js';

/** One item of `GET /admin/plans` and `netvalue plan --json`. */
export type PlanItem = Omit<StoredItem, 'writes' | 'position'>;

export interface PlanView {
  trackerId: string;
  kind: string;
  writeMode: 'review';
  updatedAt: string;
  items: PlanItem[];
}

export type PlanErrorCode = 'unknown_tracker' | 'not_in_review' | 'nothing_pending' | 'not_in_plan';

/** Bad input to a plan action; the routes answer `status`, the CLI exits 2. */
export class PlanError extends Error {
  override readonly name = 'PlanError';
  constructor(
    readonly code: PlanErrorCode,
    readonly status: 400 | 404 | 409,
    message: string,
    /** For `not_in_plan`: the keys that are not in the plan. */
    readonly keys: string[] = [],
  ) {
    super(message);
  }
}

export function inReviewMode(ctx: Pick<PipelineContext, 'config'>, trackerId: string): boolean {
  return ctx.config.trackers.find((t) => t.id === trackerId)?.writeMode === 'review';
}

/** A plan job's decisions for a review-mode tracker become its pending plan (re-planned). */
export async function savePendingPlan(
  ctx: Pick<PipelineContext, 'plans'>,
  trackerId: string,
  records: readonly IssueRecord[],
  steps: readonly OrderStep[],
): Promise<number> {
  const items = pendingItems(records, steps);
  await ctx.plans.replace(trackerId, items, steps, new Date().toISOString());
  return items.length;
}

/** The tracker's config entry; a PlanError naming the configured ones when there is none. */
export function trackerOf(ctx: Pick<PipelineContext, 'config'>, trackerId: string) {
  const tracker = ctx.config.trackers.find((t) => t.id === trackerId);
  if (!tracker) {
    const configured = ctx.config.trackers.map((t) => t.id).join(', ');
    throw new PlanError(
      'unknown_tracker',
      404,
      `no tracker '${trackerId}' is configured; configured: ${configured}`,
    );
  }
  return tracker;
}

/** The pending plans of every review-mode tracker, or of one (`trackerId`). */
export async function listPlans(
  ctx: Pick<PipelineContext, 'config' | 'plans'>,
  trackerId?: string,
): Promise<PlanView[]> {
  const trackers = trackerId === undefined ? ctx.config.trackers : [trackerOf(ctx, trackerId)];
  const review = trackers.filter((t) => t.writeMode === 'review');
  return Promise.all(
    review.map(async (t) => {
      const plan = await ctx.plans.get(t.id);
      return {
        trackerId: t.id,
        kind: t.kind,
        writeMode: 'review' as const,
        // Before its first plan a tracker has nothing pending as of now.
        updatedAt: plan.updatedAt ?? new Date().toISOString(),
        items: plan.items
          // In the order the tracker will have: the ranking's.
          .sort((a, b) => a.position - b.position)
          .map(({ writes: _writes, position: _position, ...item }) => item),
      };
    }),
  );
}
