/**
 * Maps what jira.js throws to a `TrackerError` the workers can act on. jira.js 5.x throws an
 * `HttpException` for HTTP errors (`.status`, `.response.data` = Jira's body, `.cause` = the
 * AxiosError with the headers) and the raw AxiosError when there was no response at all.
 */
import { HttpException } from 'jira.js';
import { z } from 'zod';
import { TrackerError } from '../../src/domain/index.js';

export interface ErrorContext {
  trackerId: string;
  /** The account the API token belongs to, named in credential errors (never the token). */
  email: string;
  /** What was being done, e.g. `edit APP-12`, for the message. */
  action: string;
  /** Configured name of a field id (`Net value`), for "not on the screen" errors. */
  fieldLabel?: (fieldId: string) => string | undefined;
  /** The pause for a 429 without Retry-After (connectors/unsaid-backoff.ts). */
  unsaidRetryAfterMs?: () => number;
}

/** The longest pause for a 429 without Retry-After (backoff doubles up to it from 1 s). */
export const DEFAULT_RETRY_AFTER_MS = 10_000;

const ErrorCollection = z.looseObject({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

interface HttpFailure {
  status: number;
  body: unknown;
  headers: unknown;
}

function httpFailure(err: unknown): HttpFailure | null {
  if (!(err instanceof HttpException)) return null;
  const axiosResponse = (err.cause as { response?: { headers?: unknown } } | undefined)?.response;
  const body = typeof err.response === 'object' ? (err.response['data'] as unknown) : undefined;
  return { status: err.status, body, headers: axiosResponse?.headers };
}

/** Reads one header from an AxiosHeaders instance or a plain record, case-insensitively. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  const value: unknown =
    typeof getter === 'function'
      ? (getter as (n: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name.toLowerCase()];
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Retry-After is in seconds (Jira never sends the HTTP-date form, but accept it anyway). */
export function retryAfterMs(headers: unknown, nowMs = Date.now()): number | undefined {
  const raw = headerValue(headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** Jira's own words from an ErrorCollection body, or the text of a non-JSON body. */
export function jiraMessages(body: unknown): string {
  const parsed = ErrorCollection.safeParse(body);
  if (!parsed.success) return typeof body === 'string' ? body.slice(0, 200) : '';
  const fieldErrors = Object.entries(parsed.data.errors ?? {}).map(
    ([k, v]) => `${k}: ${String(v)}`,
  );
  return [...(parsed.data.errorMessages ?? []), ...fieldErrors].join('; ');
}

/** Field ids Jira refused because they are not on the edit screen. */
export function offScreenFields(body: unknown): string[] {
  const parsed = ErrorCollection.safeParse(body);
  if (!parsed.success) return [];
  return Object.entries(parsed.data.errors ?? {})
    .filter(([, message]) => /appropriate screen/i.test(String(message)))
    .map(([fieldId]) => fieldId);
}

function offScreenMessage(fieldIds: string[], ctx: ErrorContext): string {
  const named = fieldIds.map((id) => {
    const label = ctx.fieldLabel?.(id);
    return label === undefined ? id : `"${label}" (${id})`;
  });
  return (
    `Jira refused to ${ctx.action}: field ${named.join(', ')} is not on the issue's edit screen. ` +
    `Add it to the edit screen of the project (Project settings > Issue types/Screens) for every ` +
    `issue type in scope, and make sure the field's context includes that project.`
  );
}

function fromHttp(failure: HttpFailure, ctx: ErrorContext, cause: unknown): TrackerError {
  const { status, body, headers } = failure;
  const said = jiraMessages(body);
  const suffix = said === '' ? '' : `: ${said}`;
  const details = { trackerId: ctx.trackerId, status, cause };
  if (status === 429) {
    const waitMs = retryAfterMs(headers) ?? ctx.unsaidRetryAfterMs?.() ?? DEFAULT_RETRY_AFTER_MS;
    const reason = headerValue(headers, 'ratelimit-reason') ?? 'unknown';
    return new TrackerError(
      'rate_limited',
      `Jira rate limit (${reason}) hit on ${ctx.action}; retry after ${Math.ceil(waitMs / 1000)} s`,
      { ...details, retryAfterMs: waitMs, reason },
    );
  }
  if (status === 401) {
    return new TrackerError(
      'permanent',
      `Jira rejected the credentials of tracker "${ctx.trackerId}" (401) on ${ctx.action}: ` +
        `check its email "${ctx.email}" and apiToken (tokens are created at ` +
        `https://id.atlassian.com/manage-profile/security/api-tokens)`,
      details,
    );
  }
  if (status === 403 && /discard the user notification/i.test(said)) {
    return new TrackerError(
      'permanent',
      `Jira refused to ${ctx.action} (403) because it was sent with notifyUsers=false and ` +
        `"${ctx.email}" has neither Administer Jira nor Administer Projects in that project. ` +
        `Grant one of them, or remove notifyUsers from tracker "${ctx.trackerId}" (netvalue then ` +
        `suppresses notifications only where the account may)${suffix}`,
      details,
    );
  }
  if (status === 403) {
    return new TrackerError(
      'permanent',
      `Jira denied ${ctx.action} (403) to "${ctx.email}" (email/apiToken of tracker ` +
        `"${ctx.trackerId}"): the account needs Browse projects and Edit issues (and Schedule ` +
        `issues for rank)${suffix}`,
      details,
    );
  }
  if (status === 404) {
    return new TrackerError(
      'not_found',
      `Jira: ${ctx.action} found nothing (404)${suffix}`,
      details,
    );
  }
  if (status === 400 && offScreenFields(body).length > 0) {
    return new TrackerError('permanent', offScreenMessage(offScreenFields(body), ctx), details);
  }
  // 409 is a conflicting concurrent update: trying again later is the documented remedy.
  if (status >= 500 || status === 409) {
    const waitMs = retryAfterMs(headers);
    return new TrackerError(
      'transient',
      `Jira answered ${status} on ${ctx.action}${suffix}`,
      waitMs === undefined ? details : { ...details, retryAfterMs: waitMs },
    );
  }
  return new TrackerError(
    'permanent',
    `Jira answered ${status} on ${ctx.action}${suffix}`,
    details,
  );
}

function isAxiosError(err: unknown): err is Error & { code?: string; isAxiosError: true } {
  return err instanceof Error && (err as { isAxiosError?: unknown }).isAxiosError === true;
}

export function toTrackerError(err: unknown, ctx: ErrorContext): TrackerError {
  if (err instanceof TrackerError) return err;
  const failure = httpFailure(err);
  if (failure && failure.status > 0) return fromHttp(failure, ctx, err);
  const details = { trackerId: ctx.trackerId, cause: err };
  if (isAxiosError(err)) {
    const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
    const what = timedOut ? 'timed out' : `failed (${err.code ?? err.message})`;
    return new TrackerError('transient', `Jira request to ${ctx.action} ${what}`, details);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new TrackerError('transient', `Jira request to ${ctx.action} failed: ${message}`, details);
}
