/**
 * Posts the digest to an incoming-webhook URL, retrying with exponential backoff: network errors,
 * timeouts, 5xx and 429 (after its Retry-After, capped) are retried; any other 4xx is final (Slack
 * answers 404/410 for a removed webhook, 400 for a bad payload: retrying cannot help). The URL
 * is a secret: no message built here contains it, only the status or the error code.
 */

export interface DeliveryOptions {
  /** Attempts in all (the first one included). */
  attempts: number;
  /** Wait before the second attempt; doubled for each further one. */
  backoffMs: number;
  /** Deadline of one attempt. */
  timeoutMs: number;
  /** The longest a Retry-After is honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  attempts: 4,
  backoffMs: 1000,
  timeoutMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/** A failed delivery; `final` when retrying cannot help. Its message never holds the URL. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly final: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** What went wrong with a request, by code only (a fetch error's message may name the host). */
function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `the review webhook did not answer within ${timeoutMs} ms`;
  }
  const cause = err instanceof Error ? (err as { cause?: unknown }).cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : 'error';
  return `could not reach the review webhook (${code})`;
}

function retryAfterMs(header: string | null, cap: number): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, cap) : null;
}

async function attempt(url: string, body: string, options: DeliveryOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (err) {
    throw new DeliveryError(networkReason(err, options.timeoutMs), false);
  }
  // The answer is read and dropped: Slack's is a short `ok` or an error word.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const status = response.status;
  const retryable = status >= 500 || status === 429 || status === 408;
  throw new DeliveryError(
    `the review webhook answered HTTP ${status}`,
    !retryable,
    status === 429
      ? retryAfterMs(response.headers.get('retry-after'), options.maxRetryAfterMs)
      : null,
  );
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Delivers `payload`; `onAttempt` hears each attempt's outcome (null: delivered). Resolves with
 * the number of attempts; rejects with the last DeliveryError.
 */
export async function deliver(
  url: string,
  payload: unknown,
  onAttempt: (error: DeliveryError | null) => Promise<void>,
  options: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<number> {
  const body = JSON.stringify(payload);
  for (let n = 1; ; n += 1) {
    try {
      await attempt(url, body, options);
      await onAttempt(null);
      return n;
    } catch (err) {
      const error = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
      await onAttempt(error);
      if (error.final || n >= options.attempts) throw error;
      await wait(error.retryAfterMs ?? options.backoffMs * 2 ** (n - 1));
    }
  }
}
