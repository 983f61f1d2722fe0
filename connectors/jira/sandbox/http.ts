/**
 * The sandbox's HTTP layer: faults first (as a proxy in front of Jira would answer them), then
 * basic auth, then the route; every answer is logged under its operation name.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  readBody,
  sleep,
  type Fault,
  type FaultInjector,
  type RequestLog,
} from '../../sandbox-kit/index.js';
import type { JiraRateBudget, JiraRateLimitOptions } from './rate.js';
import type { Reply, RouteEnv } from './reply.js';
import { ROUTES } from './routes.js';

export interface HttpEnv extends RouteEnv {
  log: RequestLog;
  faults: FaultInjector;
  /** `Basic base64(email:apiToken)` the sandbox accepts. */
  expectedAuth: string;
  /** Operations answered 403 (a missing permission). */
  forbidden: ReadonlySet<string>;
  rateLimitReason: () => string;
  /** Hourly budget reported in X-RateLimit-* headers on every answer, when set. */
  rateLimit: JiraRateLimitOptions | undefined;
  /** Counts every request against `rateLimit` and, when enforced, refuses what is over it. */
  budget: JiraRateBudget | null;
  now: () => number;
}

const INVALID = Symbol('invalid JSON');

const jiraError = (status: number, message: string): Reply => ({
  status,
  body: { errorMessages: [message], errors: {} },
});

/** Jira's reset header: ISO-8601 to the minute (`2026-03-02T10:00Z`). */
const resetHeader = (ms: number, scaled: boolean) => {
  const iso = new Date(ms).toISOString();
  return scaled ? iso : `${iso.slice(0, 16)}Z`;
};

function faultReply(fault: Fault, env: HttpEnv): Reply | null {
  if (fault.kind === 'rate_limit') {
    return {
      ...jiraError(429, 'Rate limit exceeded.'),
      headers: {
        'retry-after': String(fault.retryAfterSec),
        'ratelimit-reason': env.rateLimitReason(),
        'x-ratelimit-limit': String(env.rateLimit?.limit ?? 100),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': resetHeader(
          env.now() + fault.retryAfterSec * 1000,
          (env.rateLimit?.timeScale ?? 1) !== 1,
        ),
      },
    };
  }
  if (fault.kind === 'server_error') return jiraError(fault.status, 'Internal server error');
  // As a gateway in front of Jira answers: the status alone, no Retry-After, no Jira headers.
  if (fault.kind === 'bare_status') return { status: fault.status, body: `${fault.status}` };
  return null;
}

function findRoute(method: string | undefined, url: URL) {
  return ROUTES.find((r) => r.method === method && r.pattern.test(url.pathname));
}

/** The issues a write changes, by id, for the per-issue write limit; none for a read. */
function writesOf(operation: string, params: string[], body: unknown, env: HttpEnv): string[] {
  const id = (keyOrId: string): string => env.state.find(keyOrId)?.id ?? keyOrId;
  if (operation === 'edit') return params[0] === undefined ? [] : [id(params[0])];
  if (operation === 'rank') {
    const issues = (body as { issues?: unknown } | undefined)?.issues;
    return Array.isArray(issues) ? issues.map((k) => id(String(k))) : [];
  }
  return [];
}

async function answer(req: IncomingMessage, url: URL, body: unknown, env: HttpEnv): Promise<Reply> {
  if (env.faults.latency > 0) await sleep(env.faults.latency);
  const fault = env.faults.next(findRoute(req.method, url)?.operation);
  if (fault?.kind === 'latency') await sleep(fault.ms);
  const faulted = fault ? faultReply(fault, env) : null;
  if (faulted) return { ...faulted, headers: { ...env.budget?.count(), ...faulted.headers } };
  if (req.headers.authorization !== env.expectedAuth) {
    return jiraError(401, 'Client must be authenticated to access this resource.');
  }
  const route = findRoute(req.method, url);
  if (!route) return jiraError(404, `null for uri: ${url.href}`);
  if (env.forbidden.has(route.operation)) {
    return jiraError(403, 'You do not have permission to perform this operation.');
  }
  if (body === INVALID) return jiraError(400, 'Invalid JSON in the request body.');
  const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
  const decision = env.budget?.decide(writesOf(route.operation, params, body, env));
  if (decision?.refused) {
    return {
      ...jiraError(429, 'Rate limit exceeded.'),
      headers: {
        ...decision.headers,
        'retry-after': String(decision.refused.retryAfterSec),
        'ratelimit-reason': decision.refused.reason,
      },
    };
  }
  const reply = route.handle({ url, body }, params, env);
  return decision ? { ...reply, headers: { ...decision.headers, ...reply.headers } } : reply;
}

export function createHandler(env: HttpEnv): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', env.state.baseUrl);
    const raw = (await readBody(req)).toString('utf8');
    let body: unknown;
    try {
      body = raw === '' ? undefined : (JSON.parse(raw) as unknown);
    } catch {
      body = INVALID;
    }
    const reply = await answer(req, url, body, env).catch((err: unknown) =>
      jiraError(500, String(err)),
    );
    env.log.add({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      body: body === INVALID ? raw : (body ?? null),
      status: reply.status,
      atMs: Date.now(),
      operation: findRoute(req.method, url)?.operation ?? 'unknown',
    });
    const headers = { ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    headers['content-type'] = 'application/json;charset=UTF-8';
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  }

  return (req, res) => void handle(req, res);
}
