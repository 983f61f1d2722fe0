/**
 * Maps what the SDK throws to a `TrackerError` the workers can act on. `rawRequest` throws a
 * `LinearError` subclass chosen by `errors[0].extensions.type` (falling back to the HTTP status
 * only when there are no GraphQL errors), and lets `fetch` failures (timeout, connection refused)
 * through untouched.
 */
import {
  AuthenticationLinearError,
  FeatureNotAccessibleLinearError,
  ForbiddenLinearError,
  GraphqlLinearError,
  InvalidInputLinearError,
  LinearError,
  RatelimitedLinearError,
  UsageLimitExceededLinearError,
} from '@linear/sdk';
import { TrackerError, isTrackerError } from '../../src/domain/index.js';

export interface ErrorContext {
  trackerId: string;
  /** What was being done, e.g. `pull issues` or `update ENG-12`. */
  action: string;
  timeoutMs: number;
  /** The pause for a rate-limit answer that says nothing of when (connectors/unsaid-backoff.ts). */
  unsaidRetryAfterMs?: () => number;
}

/** The longest pause for a rate-limit answer with neither Retry-After nor a reset time. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;

/**
 * Linear answers RATELIMITED with `X-RateLimit-*` headers (resets in epoch ms) and, sometimes,
 * `Retry-After` (seconds). Wait for whichever budget ran out; if the headers don't say, the
 * earliest reset given.
 */
export function rateLimitWait(
  err: RatelimitedLinearError,
  nowMs = Date.now(),
  unsaid: () => number = () => DEFAULT_RETRY_AFTER_MS,
): { retryAfterMs: number; reason: string } {
  if (err.retryAfter !== undefined) {
    return { retryAfterMs: Math.max(0, err.retryAfter * 1000), reason: 'retry-after' };
  }
  const exhausted: { at: number; reason: string }[] = [];
  if (err.requestsResetAt !== undefined && (err.requestsRemaining ?? 0) <= 0) {
    exhausted.push({ at: err.requestsResetAt, reason: 'requests' });
  }
  if (err.complexityResetAt !== undefined && (err.complexityRemaining ?? 1) <= 0) {
    exhausted.push({ at: err.complexityResetAt, reason: 'complexity' });
  }
  const latest = exhausted.sort((a, b) => b.at - a.at)[0];
  if (latest) return { retryAfterMs: Math.max(0, latest.at - nowMs), reason: latest.reason };
  const anyReset = err.requestsResetAt ?? err.complexityResetAt;
  if (anyReset !== undefined)
    return { retryAfterMs: Math.max(0, anyReset - nowMs), reason: 'requests' };
  return { retryAfterMs: unsaid(), reason: 'unknown' };
}

/** Linear's user-facing sentence when it sent one (the SDK's message repeats it after its own). */
function linearMessage(err: LinearError): string {
  return err.errors?.[0]?.message ?? err.message;
}

function fromLinearError(err: LinearError, ctx: ErrorContext): TrackerError {
  const base = {
    trackerId: ctx.trackerId,
    cause: err,
    ...(err.status ? { status: err.status } : {}),
  };
  const what = `Linear ${ctx.action} failed`;
  const credential = `the apiKey of tracker ${ctx.trackerId}`;
  if (err instanceof RatelimitedLinearError) {
    const wait = rateLimitWait(err, Date.now(), ctx.unsaidRetryAfterMs);
    return new TrackerError('rate_limited', `${what}: rate limited (${linearMessage(err)})`, {
      ...base,
      retryAfterMs: wait.retryAfterMs,
      reason: wait.reason,
    });
  }
  if (err instanceof AuthenticationLinearError) {
    // The SDK also files a bare 4xx (no GraphQL errors, e.g. a proxy's 404) under Authentication.
    if (err.errors?.length || err.status === 401) {
      return new TrackerError(
        'permanent',
        `${what}: Linear rejected ${credential} (${linearMessage(err)}); create a personal API key under Settings > Security & access and set apiKey`,
        base,
      );
    }
    return new TrackerError(
      'permanent',
      `${what}: HTTP ${err.status ?? '?'} from the configured apiUrl (${err.message}); check apiUrl`,
      base,
    );
  }
  if (err instanceof ForbiddenLinearError || err instanceof FeatureNotAccessibleLinearError) {
    return new TrackerError(
      'permanent',
      `${what}: ${credential} is not allowed to do this (${linearMessage(err)})`,
      base,
    );
  }
  if (err instanceof InvalidInputLinearError) {
    // Linear reports an unknown id as "Entity not found" with type "invalid input", HTTP 200.
    if (/not found|could not find/i.test(err.message)) {
      return new TrackerError('not_found', `${what}: ${err.message}`, base);
    }
    return new TrackerError(
      'permanent',
      `${what}: Linear rejected the input: ${linearMessage(err)}`,
      base,
    );
  }
  if (err instanceof GraphqlLinearError || err instanceof UsageLimitExceededLinearError) {
    return new TrackerError('permanent', `${what}: ${err.message}`, base);
  }
  // Internal, Network, LockTimeout, Unknown...: a 4xx is our fault, anything else may pass.
  const status = err.status ?? 0;
  const kind = status >= 400 && status < 500 ? 'permanent' : 'transient';
  const http = err.errors?.length ? '' : `HTTP ${status || '?'}: `;
  return new TrackerError(kind, `${what}: ${http}${linearMessage(err)}`, base);
}

/** `fetch` failures: the AbortSignal timeout, a refused connection, a reset socket. */
function fromFetchFailure(err: unknown, ctx: ErrorContext): TrackerError {
  const base = { trackerId: ctx.trackerId, cause: err };
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TrackerError(
      'transient',
      `Linear ${ctx.action} timed out after ${ctx.timeoutMs} ms`,
      base,
    );
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail =
    typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
  return new TrackerError(
    'transient',
    `Linear ${ctx.action} failed: network error (${detail})`,
    base,
  );
}

export function toTrackerError(err: unknown, ctx: ErrorContext): TrackerError {
  if (isTrackerError(err)) return err;
  if (err instanceof LinearError) return fromLinearError(err, ctx);
  return fromFetchFailure(err, ctx);
}
