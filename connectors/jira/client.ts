/**
 * jira.js clients for one tracker, plus the traffic counters and the rate budget read from
 * response headers. jira.js 5.x neither retries nor exposes response headers on success, so the
 * headers are observed through axios' `transformResponse` (which also runs for error responses).
 *
 * Every call is bounded (README "Security"): axios refuses a response body larger than
 * `maxResponseBytes`, and each request carries its own `AbortSignal.timeout(timeoutMs)`, a total
 * deadline (axios' own `timeout` only limits a silent socket, so a server trickling bytes would
 * keep a call open for ever).
 */
import { AgileClient, Version3Client, type Config } from 'jira.js';
import { TrackerError } from '../../src/domain/index.js';
import type { RateBudget } from '../connector.js';
import type { JiraTrackerConfig } from './config.js';
import { UnsaidBackoff } from '../unsaid-backoff.js';
import {
  DEFAULT_RETRY_AFTER_MS,
  headerValue,
  toTrackerError,
  type ErrorContext,
} from './errors.js';

export interface JiraClients {
  v3: Version3Client;
  agile: AgileClient;
  traffic: Traffic;
  /** Pauses for 429s without Retry-After, doubling while they come in a row. */
  unsaid: UnsaidBackoff;
  /** The bounds of every call, named in the errors that hit them. */
  limits: { timeoutMs: number; maxResponseBytes: number };
}

function numberHeader(headers: unknown, name: string): number | null {
  const raw = headerValue(headers, name);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Requests sent (by kind) and the latest rate budget Jira reported. */
export class Traffic {
  reads = 0;
  writes = 0;
  budget: RateBudget | null = null;

  observe(headers: unknown): void {
    const remaining = numberHeader(headers, 'x-ratelimit-remaining');
    const limit = numberHeader(headers, 'x-ratelimit-limit');
    // Jira sends the reset as ISO-8601 (`2026-03-02T10:00Z`).
    const resetRaw = headerValue(headers, 'x-ratelimit-reset');
    const resetAtMs = resetRaw === undefined ? NaN : Date.parse(resetRaw);
    if (remaining === null && limit === null) return;
    this.budget = {
      requestsRemaining: remaining,
      requestsLimit: limit,
      resetAtMs: Number.isFinite(resetAtMs) ? resetAtMs : null,
    };
  }
}

/** axios' default JSON parsing, kept because a custom `transformResponse` replaces it. */
function parseBody(data: unknown): unknown {
  if (typeof data !== 'string' || data.trim() === '') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data; // an HTML error page from a proxy: errors.ts reports it as text
  }
}

/** The part of jira.js' axios instance the deadline needs. */
interface RequestInterceptors {
  interceptors: {
    request: { use(onFulfilled: (config: { signal?: unknown }) => unknown): number };
  };
}

/**
 * Gives every request of a jira.js client a fresh total deadline. jira.js builds its axios
 * instance once from `baseRequestConfig` (a signal there would expire once for all requests) and
 * takes no per-call options, so the signal is set by a request interceptor on that instance.
 */
function addDeadline(client: object, timeoutMs: number): void {
  const instance = (client as { instance?: Partial<RequestInterceptors> }).instance;
  if (typeof instance?.interceptors?.request?.use !== 'function') {
    throw new Error(
      'jira.js no longer exposes its axios instance: the per-call deadline cannot be set',
    );
  }
  instance.interceptors.request.use((request) => {
    request.signal = AbortSignal.timeout(timeoutMs);
    return request;
  });
}

export function createJiraClients(config: JiraTrackerConfig): JiraClients {
  const traffic = new Traffic();
  const clientConfig: Config = {
    host: config.baseUrl,
    authentication: { basic: { email: config.email, apiToken: config.apiToken } },
    baseRequestConfig: {
      timeout: config.timeoutMs,
      maxContentLength: config.maxResponseBytes,
      maxBodyLength: config.maxResponseBytes,
      transformResponse: [
        (data: unknown, headers: unknown, status?: number): unknown => {
          // A refusal's X-RateLimit-* headers do not teach a budget: its Retry-After pauses every
          // process. Burst 429s came with "0 left until the next minute", and netvalue then kept
          // to a learnt window of that count for good (the soak: Jira calls in bursts every two
          // minutes, a sync that never finished). Budgets come from the answers Jira serves.
          if (status !== 429) traffic.observe(headers);
          return parseBody(data);
        },
      ],
    },
  };
  const v3 = new Version3Client(clientConfig);
  const agile = new AgileClient(clientConfig);
  addDeadline(v3, config.timeoutMs);
  addDeadline(agile, config.timeoutMs);
  return {
    v3,
    agile,
    traffic,
    unsaid: new UnsaidBackoff(DEFAULT_RETRY_AFTER_MS),
    limits: { timeoutMs: config.timeoutMs, maxResponseBytes: config.maxResponseBytes },
  };
}

/** A call stopped by one of our bounds (deadline, response size), as a `TrackerError`. */
function boundError(
  err: unknown,
  clients: JiraClients,
  context: ErrorContext,
): TrackerError | null {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : '';
  const details = { trackerId: context.trackerId, cause: err };
  if (code === 'ERR_CANCELED') {
    return new TrackerError(
      'transient',
      `Jira request to ${context.action} timed out: no complete answer within ${clients.limits.timeoutMs} ms (timeoutMs)`,
      details,
    );
  }
  if (code === 'ERR_BAD_RESPONSE' && message.startsWith('maxContentLength')) {
    return new TrackerError(
      'permanent',
      `Jira answered ${context.action} with more than ${clients.limits.maxResponseBytes} bytes, the limit per response (maxResponseBytes): the answer was not read`,
      details,
    );
  }
  return null;
}

/** Counts the request, sends it, and turns any failure into a `TrackerError`. */
export async function send<T>(
  clients: JiraClients,
  kind: 'read' | 'write',
  context: ErrorContext,
  request: () => Promise<T>,
): Promise<T> {
  if (kind === 'read') clients.traffic.reads++;
  else clients.traffic.writes++;
  try {
    const answer = await request();
    clients.unsaid.reset();
    return answer;
  } catch (err) {
    const unsaidRetryAfterMs = () => clients.unsaid.next();
    throw (
      boundError(err, clients, context) ?? toTrackerError(err, { ...context, unsaidRetryAfterMs })
    );
  }
}
