/**
 * Turns connector failures into BullMQ control flow: a 429 pauses only that tracker's queue
 * until Retry-After (no attempt consumed); transient errors retry with backoff; permanent ones
 * fail the job at once with the connector's message.
 */
import { RateLimitError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { ZodError } from 'zod';
import { isTrackerError } from '../domain/index.js';
import type { Metrics } from '../metrics.js';

/** Bounds a rate-limit pause when a tracker sends no Retry-After. */
export const DEFAULT_RATE_LIMIT_MS = 5000;

export async function pauseForRateLimit(
  queue: Queue,
  metrics: Metrics,
  trackerId: string,
  retryAfterMs?: number,
): Promise<never> {
  const ms = Math.max(1, retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
  await queue.rateLimit(ms);
  metrics.rateLimitWaits.inc({ tracker: trackerId }, ms / 1000);
  throw new RateLimitError();
}

/** True on the job's last allowed attempt (so a transient failure is now final). */
export function isFinalAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Rethrows an error in the form BullMQ acts on. */
export async function rethrowForQueue(
  err: unknown,
  queue: Queue,
  metrics: Metrics,
  trackerId: string,
): Promise<never> {
  if (err instanceof ZodError) {
    throw new UnrecoverableError(
      `invalid job payload: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (isTrackerError(err)) {
    metrics.apiErrors.inc({ tracker: trackerId, class: err.kind });
    if (err.kind === 'rate_limited')
      return pauseForRateLimit(queue, metrics, trackerId, err.details.retryAfterMs);
    if (err.kind === 'permanent' || err.kind === 'not_found')
      throw new UnrecoverableError(err.message);
  }
  throw err;
}
