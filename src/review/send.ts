/**
 * Sends the review digest now (the scheduled `review-digest` job and `POST /admin/review/send`):
 * the review of the last `reviews.everySec` over the `reviews.top` issues, posted to
 * `reviews.webhookUrl`. Every attempt is recorded (`/admin/status`) and counted (`/metrics`).
 */
import type { PipelineContext } from '../pipeline/context.js';
import { deliver, DEFAULT_DELIVERY, type DeliveryOptions } from './deliver.js';
import { digestPayload } from './digest.js';
import { loadReview, type ReviewContext } from './load.js';
import type { Review } from './schema.js';

export type DigestContext = ReviewContext & Pick<PipelineContext, 'metrics' | 'logger'>;

/** Thrown when no webhook URL is configured. */
export class DigestNotConfigured extends Error {
  override readonly name = 'DigestNotConfigured';
  constructor() {
    super('no digest is configured: set reviews.webhookUrl (e.g. ${REVIEW_WEBHOOK_URL})');
  }
}

export async function sendDigest(
  ctx: DigestContext,
  nowMs: number,
  delivery: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<{ attempts: number; review: Review }> {
  const { webhookUrl, everySec, top } = ctx.config.reviews;
  if (webhookUrl === undefined) throw new DigestNotConfigured();
  const review = await loadReview(ctx, {
    sinceMs: nowMs - everySec * 1000,
    nowMs,
    top,
    trackerId: null,
  });
  const attempts = await deliver(
    webhookUrl,
    digestPayload(review),
    async (error) => {
      ctx.metrics.reviewDigests.inc({ result: error === null ? 'delivered' : 'failed' });
      if (error !== null) ctx.logger.warn({ err: error.message }, 'review digest delivery failed');
      await ctx.reviews.recordDigestAttempt(new Date().toISOString(), error?.message ?? null);
    },
    delivery,
  );
  ctx.logger.info({ attempts, top, since: review.since }, 'review digest delivered');
  return { attempts, review };
}

/**
 * Whether the scheduled digest should go out now: a period (less a tenth, for timer drift) after
 * the last attempt, or after the schedule was set up. A restart re-creating the schedule (whose
 * first tick comes at once) so never sends a second digest in one period.
 */
export function digestDue(
  status: { lastAttemptAt: string | null; scheduledSince: string | null },
  nowMs: number,
  everySec: number,
): boolean {
  const from = status.lastAttemptAt ?? status.scheduledSince;
  return from === null || nowMs - Date.parse(from) >= everySec * 900;
}
