/**
 * Turns connector failures into BullMQ control flow: transient errors retry with backoff;
 * permanent ones fail the job at once with the connector's message.
 *
 * 429s: write and rank jobs wait them out themselves (`rateLimitedFor`): the tracker is paused in
 * Redis (RateLimiter.pause) for exactly the Retry-After, every process's calls wait for it, and the
 * refused call goes again after it. Ending the job instead (`pauseForRateLimit`: the queue's
 * rate limit plus RateLimitError) is what sync pages do, and what a write or rank job does after
 * `MAX_PAUSES_IN_JOB` pauses: its re-run waits for a free worker and books its calls after every
 * call booked meanwhile, so it comes back well after the Retry-After.
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

/** 429s one write unit or rank step waits out inside its job before the job goes back to the queue. */
export const MAX_PAUSES_IN_JOB = 5;

/** How long the tracker asked to wait, when `err` is a rate limit; null for anything else. */
export function rateLimitedFor(err: unknown): number | null {
  if (!isTrackerError(err) || err.kind !== 'rate_limited') return null;
  return Math.max(1, err.details.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS);
}

/**
 * Transient failures (5xx, timeouts, resets) one rank step retries inside its job, with a short
 * backoff, before the job goes back to the queue. A rank job is one ordered chain of hundreds of
 * calls: when each failed call spent one of the job's attempts, a 20 % fault rate used all eight
 * within the first few dozen calls, and the queue's growing backoff (up to a minute) held the run
 * for minutes (the soak: a first Jira run stuck on its rank job; docs/architecture.md).
 */
export const MAX_TRANSIENT_TRIES_IN_STEP = 5;

/** The wait before trying a step again after its `tries`-th transient failure, or null to give up. */
export function transientRetryMs(err: unknown, tries: number): number | null {
  if (!isTrackerError(err) || err.kind !== 'transient') return null;
  if (tries >= MAX_TRANSIENT_TRIES_IN_STEP) return null;
  return 250 * 2 ** (tries - 1); // 250 ms, 500 ms, 1 s, 2 s
}

/**
 * The longest a job of the shared score queue waits inside the job for one tracker's pause or
 * spent budget. A longer wait moves the job to the delayed set until the tracker may be called
 * (workers/index.ts): eight Linear jobs waiting out a spent hourly budget held every slot of a
 * worker's score queue, and Jira's score jobs (and with them every Jira run) waited behind them
 * (the 10-minute soak).
 */
export const SHARED_QUEUE_WAIT_MS = 1_000;

/** Thrown by a job that should wait for its tracker outside its worker slot. */
export class TrackerBusyError extends Error {
  override readonly name = 'TrackerBusyError';
  constructor(
    readonly trackerId: string,
    readonly waitMs: number,
  ) {
    super(`tracker ${trackerId} may not be called for ${Math.ceil(waitMs / 1000)} s`);
  }
}

/**
 * How long a plan waits in its slot before its board read: a plan sent to the delayed set does its
 * pass over every record again when it comes back (seconds at 100,000 issues), which costs more
 * than waiting out a Retry-After or a short budget window.
 */
export const PLAN_WAIT_MS = 10_000;

/** Throws `TrackerBusyError` when a call to the tracker would wait longer than `maxWaitMs`. */
export async function unlessTrackerBusy(
  limiter: { blockedForMs(trackerId: string): Promise<number> },
  trackerId: string,
  maxWaitMs = SHARED_QUEUE_WAIT_MS,
): Promise<void> {
  const waitMs = await limiter.blockedForMs(trackerId);
  if (waitMs > maxWaitMs) throw new TrackerBusyError(trackerId, waitMs);
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
