/**
 * The @linear/sdk client for one tracker, with a timeout on every request, the request counters
 * and the rate budget from Linear's `X-RateLimit-*` headers. Every call goes through the SDK's
 * `rawRequest` with our own documents (queries.ts): it returns the response headers and throws
 * an already-parsed `LinearError`, and one document per page avoids the SDK's lazy relation
 * getters (one extra request per `issue.team`, per `issue.labels()`).
 */
import { LinearClient, LinearGraphQLClient } from '@linear/sdk';
import type { RateBudget } from '../connector.js';
import type { LinearTrackerConfig } from './config.js';
import { toTrackerError, type ErrorContext } from './errors.js';

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  const n = raw === null || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Queries and mutations sent, and the latest rate budget Linear reported. */
export class Traffic {
  reads = 0;
  writes = 0;
  budget: RateBudget | null = null;

  /** Linear sends the resets as epoch milliseconds. */
  observe(headers: Headers | undefined): void {
    if (headers === undefined) return;
    const requestsRemaining = numberHeader(headers, 'x-ratelimit-requests-remaining');
    const requestsLimit = numberHeader(headers, 'x-ratelimit-requests-limit');
    if (requestsRemaining === null && requestsLimit === null) return;
    this.budget = {
      requestsRemaining,
      requestsLimit,
      resetAtMs: numberHeader(headers, 'x-ratelimit-requests-reset'),
      complexityRemaining: numberHeader(headers, 'x-ratelimit-complexity-remaining'),
    };
  }
}

export interface LinearApi {
  sdk: LinearClient;
  traffic: Traffic;
  config: LinearTrackerConfig;
}

/**
 * The SDK spreads its options into every `fetch` call but offers no per-request timeout, and one
 * `AbortSignal.timeout()` passed as an option would expire once for all requests. So the SDK's
 * GraphQL client is rebuilt from the SDK's own parsed options (auth header, user agent, URL
 * check) with a `signal` getter: each request's spread reads it and gets a fresh timeout signal.
 */
export function createLinearApi(config: LinearTrackerConfig): LinearApi {
  const sdk = new LinearClient({ apiKey: config.apiKey, apiUrl: config.apiUrl });
  const { apiUrl, ...init } = sdk.options;
  Object.defineProperty(init, 'signal', {
    enumerable: true,
    get: () => AbortSignal.timeout(config.timeoutMs),
  });
  sdk.client = new LinearGraphQLClient(apiUrl, init);
  return { sdk, traffic: new Traffic(), config };
}

/** Sends one document, counts it, records the budget, and turns failures into `TrackerError`. */
export async function send<T>(
  api: LinearApi,
  kind: 'read' | 'write',
  context: Omit<ErrorContext, 'trackerId' | 'timeoutMs'>,
  document: string,
  variables: Record<string, unknown>,
): Promise<T> {
  if (kind === 'read') api.traffic.reads++;
  else api.traffic.writes++;
  try {
    const response = await api.sdk.client.rawRequest<T, Record<string, unknown>>(
      document,
      variables,
    );
    api.traffic.observe(response.headers);
    if (response.data === undefined) throw new Error('Linear answered without data');
    return response.data;
  } catch (err) {
    api.traffic.observe(errorHeaders(err));
    throw toTrackerError(err, {
      ...context,
      trackerId: api.config.id,
      timeoutMs: api.config.timeoutMs,
    });
  }
}

/** The response headers a `LinearError` keeps in `raw.response.headers`, when there was a response. */
function errorHeaders(err: unknown): Headers | undefined {
  const headers = (err as { raw?: { response?: { headers?: unknown } } } | null)?.raw?.response
    ?.headers;
  return headers instanceof Headers ? headers : undefined;
}
