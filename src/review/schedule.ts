/**
 * The review's schedules on the shared score queue (BullMQ job schedulers, upserted by every
 * process like the sync schedules): a ranking snapshot every hour (one is kept per day), and the
 * digest every `reviews.everySec` when `reviews.webhookUrl` is set.
 */
import type { PipelineContext } from '../pipeline/context.js';
import { JOB } from '../queues.js';

export const REVIEW_SCHEDULERS = {
  snapshot: 'review-snapshot',
  digest: 'review-digest',
} as const;

/** How often the snapshot job looks whether today's snapshot is taken. */
export const SNAPSHOT_CHECK_MS = 3_600_000;

export async function ensureReviewSchedulers(
  ctx: Pick<PipelineContext, 'config' | 'queues' | 'reviews'>,
): Promise<void> {
  const queue = ctx.queues.score;
  await queue.upsertJobScheduler(
    REVIEW_SCHEDULERS.snapshot,
    { every: SNAPSHOT_CHECK_MS },
    { name: JOB.reviewSnapshot, data: {} },
  );
  const { webhookUrl, everySec } = ctx.config.reviews;
  if (webhookUrl === undefined) {
    await queue.removeJobScheduler(REVIEW_SCHEDULERS.digest);
    return;
  }
  await ctx.reviews.markScheduled(new Date().toISOString());
  // Delivery retries inside the job (src/review/deliver.ts): one job attempt per tick.
  await queue.upsertJobScheduler(
    REVIEW_SCHEDULERS.digest,
    { every: everySec * 1000 },
    { name: JOB.reviewDigest, data: {}, opts: { attempts: 1 } },
  );
}

/** Re-creates the review schedules Redis lost (`serve` checks every minute); returns their ids. */
export async function restoreReviewSchedulers(
  ctx: Pick<PipelineContext, 'config' | 'queues' | 'reviews'>,
): Promise<string[]> {
  const wanted: string[] = [REVIEW_SCHEDULERS.snapshot];
  if (ctx.config.reviews.webhookUrl !== undefined) wanted.push(REVIEW_SCHEDULERS.digest);
  const missing: string[] = [];
  for (const id of wanted) {
    if ((await ctx.queues.score.getJobScheduler(id)) == null) missing.push(id);
  }
  if (missing.length > 0) await ensureReviewSchedulers(ctx);
  return missing;
}
