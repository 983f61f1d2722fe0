/**
 * The @linear/sdk client for one tracker, with a timeout on every request, the request counters
 * and the rate budget from Linear's `X-RateLimit-*` headers. Every call goes through the SDK's
 * `rawRequest` with our own documents (queries.ts): it returns the response headers and throws
 * an already-parsed `LinearError`, and one document per page avoids the SDK's lazy relation
 * getters (one extra request per `issue.team`, per `issue.labels()`).
 */
import {
  GraphQLClientError,
  LinearClient,
  LinearGraphQLClient,
  parseLinearError,
  type LinearRawResponse,
} from '@linear/sdk';
import { TrackerError } from '../../src/domain/index.js';
import type { RateBudget } from '../connector.js';
import type { LinearTrackerConfig } from './config.js';
import { UnsaidBackoff } from '../unsaid-backoff.js';
import { DEFAULT_RETRY_AFTER_MS, toTrackerError, type ErrorContext } from './errors.js';

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  const n = raw === null || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Weight of the newest request in the running average of complexity per request. */
const COMPLEXITY_SMOOTHING = 0.2;

/** Linear reports both budgets: requests and complexity points (see RateBudget). */
export interface LinearBudget extends RateBudget {
  complexityLimit: number | null;
  complexityResetAtMs: number | null;
  /** Running average of `X-Complexity` per request. */
  complexityPerRequest: number | null;
}

/** Queries and mutations sent, and the latest rate budget Linear reported. */
export class Traffic {
  reads = 0;
  writes = 0;
  budget: LinearBudget | null = null;
  private complexityPerRequest: number | null = null;

  /** Linear sends the resets as epoch milliseconds. */
  observe(headers: Headers | undefined): void {
    if (headers === undefined) return;
    const requestsRemaining = numberHeader(headers, 'x-ratelimit-requests-remaining');
    const requestsLimit = numberHeader(headers, 'x-ratelimit-requests-limit');
    if (requestsRemaining === null && requestsLimit === null) return;
    const complexity = numberHeader(headers, 'x-complexity');
    if (complexity !== null && complexity > 0) {
      const average = this.complexityPerRequest;
      this.complexityPerRequest =
        average === null ? complexity : average + COMPLEXITY_SMOOTHING * (complexity - average);
    }
    this.budget = {
      requestsRemaining,
      requestsLimit,
      resetAtMs: numberHeader(headers, 'x-ratelimit-requests-reset'),
      complexityRemaining: numberHeader(headers, 'x-ratelimit-complexity-remaining'),
      complexityLimit: numberHeader(headers, 'x-ratelimit-complexity-limit'),
      complexityResetAtMs: numberHeader(headers, 'x-ratelimit-complexity-reset'),
      complexityPerRequest: this.complexityPerRequest,
    };
  }
}

export interface LinearApi {
  sdk: LinearClient;
  traffic: Traffic;
  /** Pauses for rate-limit answers that say nothing of when, doubling while they come in a row. */
  unsaid: UnsaidBackoff;
  config: LinearTrackerConfig;
}

/** Reads a response body as text, refusing (and cancelling) it past `maxBytes`. */
export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new ResponseTooLarge(maxBytes);
  }
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ResponseTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
  constructor(readonly maxBytes: number) {
    super(`response larger than ${maxBytes} bytes`);
  }
}

/**
 * The SDK's GraphQL client, with its body read through `readCapped`. `LinearGraphQLClient` calls
 * the global `fetch` and takes no `fetch` option, so `rawRequest` is the SDK's own (same request,
 * same `GraphQLClientError` through `parseLinearError`, so errors read as before) except that the
 * body is read with a cap instead of `response.json()`, and a JSON body that is not an object is
 * an error, not a TypeError.
 */
class BoundedGraphQLClient extends LinearGraphQLClient {
  constructor(
    private readonly endpoint: string,
    private readonly init: RequestInit,
    private readonly maxBytes: number,
  ) {
    super(endpoint, init);
  }

  override async rawRequest<Data, Variables extends Record<string, unknown>>(
    query: string,
    variables?: Variables,
    requestHeaders?: RequestInit['headers'],
  ): Promise<LinearRawResponse<Data>> {
    // The rest spread reads the `signal` getter: a fresh deadline for every request.
    const { headers, ...others } = this.init;
    const merged = new Headers(headers);
    new Headers(requestHeaders).forEach((value, name) => merged.set(name, value));
    if (!merged.has('content-type')) merged.set('content-type', 'application/json');
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: merged,
      body: JSON.stringify({ query, variables }),
      ...others,
    });
    const text = await readCapped(response, this.maxBytes);
    const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;
    const parsed: unknown = isJson ? JSON.parse(text) : text;
    const result =
      parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as LinearRawResponse<Data>)
        : null;
    if (result !== null && response.ok && !result.errors && result.data) {
      return { ...result, headers: response.headers, status: response.status };
    }
    throw parseLinearError(
      new GraphQLClientError(
        {
          ...(result ?? { error: typeof parsed === 'string' ? parsed : JSON.stringify(parsed) }),
          status: response.status,
          headers: response.headers,
        },
        { query, ...(variables === undefined ? {} : { variables }) },
      ),
    );
  }
}

/**
 * The SDK spreads its options into every `fetch` call but offers no per-request timeout, and one
 * `AbortSignal.timeout()` passed as an option would expire once for all requests. So the SDK's
 * GraphQL client is rebuilt from the SDK's own parsed options (auth header, user agent, URL
 * check) with a `signal` getter: each request's spread reads it and gets a fresh timeout signal,
 * a total deadline (the signal also aborts reading the body). Bodies are read with a cap of
 * `maxResponseBytes` (BoundedGraphQLClient).
 */
export function createLinearApi(config: LinearTrackerConfig): LinearApi {
  const sdk = new LinearClient({ apiKey: config.apiKey, apiUrl: config.apiUrl });
  const { apiUrl, ...init } = sdk.options;
  Object.defineProperty(init, 'signal', {
    enumerable: true,
    get: () => AbortSignal.timeout(config.timeoutMs),
  });
  sdk.client = new BoundedGraphQLClient(apiUrl, init, config.maxResponseBytes);
  return { sdk, traffic: new Traffic(), unsaid: new UnsaidBackoff(DEFAULT_RETRY_AFTER_MS), config };
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
    api.unsaid.reset();
    if (response.data === undefined) throw new Error('Linear answered without data');
    return response.data;
  } catch (err) {
    if (err instanceof ResponseTooLarge) {
      throw new TrackerError(
        'permanent',
        `Linear answered ${context.action} with more than ${err.maxBytes} bytes, the limit per response (maxResponseBytes): the answer was not read`,
        { trackerId: api.config.id, cause: err },
      );
    }
    api.traffic.observe(errorHeaders(err));
    throw toTrackerError(err, {
      ...context,
      trackerId: api.config.id,
      timeoutMs: api.config.timeoutMs,
      unsaidRetryAfterMs: () => api.unsaid.next(),
    });
  }
}

/** The response headers a `LinearError` keeps in `raw.response.headers`, when there was a response. */
function errorHeaders(err: unknown): Headers | undefined {
  const headers = (err as { raw?: { response?: { headers?: unknown } } } | null)?.raw?.response
    ?.headers;
  return headers instanceof Headers ? headers : undefined;
}
