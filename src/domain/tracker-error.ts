/**
 * Typed failures a connector reports, so workers can act without knowing the tracker:
 * rate limited -> pause that tracker's queue; transient -> retry with backoff;
 * permanent -> fail at once with a message an admin can act on; not_found -> the issue is gone.
 */
export type TrackerErrorKind = 'rate_limited' | 'transient' | 'permanent' | 'not_found';

export class TrackerError extends Error {
  override readonly name = 'TrackerError';
  constructor(
    readonly kind: TrackerErrorKind,
    message: string,
    readonly details: {
      trackerId: string;
      /** HTTP status when there was one. */
      status?: number;
      /** For rate_limited: how long to wait before the next call. */
      retryAfterMs?: number;
      /** For rate_limited: the tracker's reason (Jira RateLimit-Reason, Linear limit type). */
      reason?: string;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

export function isTrackerError(err: unknown): err is TrackerError {
  return err instanceof TrackerError;
}
