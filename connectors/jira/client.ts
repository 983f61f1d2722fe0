/**
 * jira.js clients for one tracker, plus the traffic counters and the rate budget read from
 * response headers. jira.js 5.x neither retries nor exposes response headers on success, so the
 * headers are observed through axios' `transformResponse` (which also runs for error responses).
 */
import { AgileClient, Version3Client, type Config } from 'jira.js';
import type { RateBudget } from '../connector.js';
import type { JiraTrackerConfig } from './config.js';
import { headerValue, toTrackerError, type ErrorContext } from './errors.js';

export interface JiraClients {
  v3: Version3Client;
  agile: AgileClient;
  traffic: Traffic;
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

export function createJiraClients(config: JiraTrackerConfig): JiraClients {
  const traffic = new Traffic();
  const clientConfig: Config = {
    host: config.baseUrl,
    authentication: { basic: { email: config.email, apiToken: config.apiToken } },
    baseRequestConfig: {
      timeout: config.timeoutMs,
      transformResponse: [
        (data: unknown, headers: unknown): unknown => {
          traffic.observe(headers);
          return parseBody(data);
        },
      ],
    },
  };
  return { v3: new Version3Client(clientConfig), agile: new AgileClient(clientConfig), traffic };
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
    return await request();
  } catch (err) {
    throw toTrackerError(err, context);
  }
}
