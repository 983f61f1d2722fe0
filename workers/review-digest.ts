/**
 * The review's scheduled jobs (src/review/schedule.ts), thin: `review-snapshot` takes today's
 * ranking snapshot unless taken; `review-digest` sends the digest when one is due. A delivery that
 * fails after its retries fails the job (listed under the failed jobs, counted in /metrics, shown
 * in /admin/status); the next tick tries again.
 */
import type { PipelineContext } from '../src/pipeline/context.js';
import type { ReviewJobData } from '../src/queues.js';
import { takeSnapshot } from '../src/review/load.js';
import { digestDue, sendDigest } from '../src/review/send.js';

export async function processReviewSnapshot(
  ctx: PipelineContext,
  _data: ReviewJobData,
): Promise<unknown> {
  return { snapshot: await takeSnapshot(ctx, Date.now()) };
}

export async function processReviewDigest(
  ctx: PipelineContext,
  _data: ReviewJobData,
): Promise<unknown> {
  const { webhookUrl, everySec } = ctx.config.reviews;
  if (webhookUrl === undefined) return { sent: false, why: 'reviews.webhookUrl is not set' };
  const now = Date.now();
  if (!digestDue(await ctx.reviews.digestStatus(), now, everySec)) {
    return { sent: false, why: 'not due' };
  }
  const { attempts } = await sendDigest(ctx, now);
  return { sent: true, attempts };
}
