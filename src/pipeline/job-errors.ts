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
function isFinalAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * The one rule for whether a failure ends the job (record it, tell the run) or it will run again:
 * a rate limit never ends it (the queue pauses, no attempt is used); a permanent or not-found
 * tracker error and a bad payload end it at once; anything else (transient, unknown, or `null`
 * for "some items failed transiently") ends it on the last attempt.
 */
export function isFinal(err: unknown, job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  if (err instanceof ZodError || err instanceof UnrecoverableError) return true;
  if (isTrackerError(err)) {
    if (err.kind === 'rate_limited') return false;
    if (err.kind === 'permanent' || err.kind === 'not_found') return true;
  }
  return isFinalAttempt(job);
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
