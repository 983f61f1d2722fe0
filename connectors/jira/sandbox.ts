/**
 * A local Jira Cloud site for the demo, the tests and the benchmarks: a real HTTP server speaking
 * the subset of REST v3 and Agile 1.0 the connector uses, seeded from the shared backlog
 * generator, with Jira-shaped faults (429 + Retry-After + RateLimit-Reason, 5xx, latency).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  FaultInjector,
  listenLoopback,
  readBody,
  RequestLog,
  sleep,
  type Fault,
} from '../sandbox-kit.js';
import type { JiraTrackerConfig } from './config.js';
import {
  fieldCatalog,
  seedIssues,
  SANDBOX_FIELDS,
  type SandboxIssue,
  type StatusName,
} from './sandbox-data.js';
import { ROUTES, type Reply } from './sandbox-routes.js';
import { SearchPager } from './sandbox-search.js';
import { HUMAN_ACCOUNT_ID, SandboxState } from './sandbox-state.js';
import { buildWebhook, type SignedWebhook, type WebhookOptions } from './sandbox-webhook.js';

export { SANDBOX_FIELDS } from './sandbox-data.js';
export { HUMAN_ACCOUNT_ID } from './sandbox-state.js';

export interface JiraSandboxOptions {
  /** How many issues to seed (default 60). */
  issues?: number;
  seed?: number;
  /** Seed the method's two example tasks first (APP-1 login feature, OPS-1 performance work). */
  includeExamples?: boolean;
  port?: number;
  /** The API account's profile time zone: dates render and JQL dates parse in it (default UTC). */
  timeZone?: string;
  /** Cap on search page size, to model Jira's smaller-than-asked pages (default 100). */
  maxPageSize?: number;
  /** Adds a second number field with this name (to test ambiguous names). */
  duplicateFieldName?: string;
  /** Report X-RateLimit-* headers on every answer with this hourly budget. */
  rateLimit?: { limit: number };
  now?: () => number;
  webhookSecret?: string;
}

export interface SandboxIssueView {
  id: string;
  key: string;
  project: string;
  summary: string;
  issueType: string;
  labels: string[];
  status: StatusName;
  value: unknown;
  cost: unknown;
  netValue: unknown;
  rankPosition: unknown;
  rank: string;
  updatedMs: number;
}

export interface HumanEdit {
  value?: number | string | null;
  cost?: number | string | null;
  labels?: string[];
  status?: StatusName;
  summary?: string;
}

type ConfigInput = z.input<typeof JiraTrackerConfig>;
export type SandboxConfigOverrides = Partial<Omit<ConfigInput, 'fields'>> & {
  fields?: Partial<ConfigInput['fields']>;
};

export interface JiraSandbox {
  url: string;
  log: RequestLog;
  faults: FaultInjector;
  credentials: { email: string; apiToken: string };
  webhookSecret: string;
  /** The API account (the connector's own writes come from it). */
  accountId: string;
  /** RateLimit-Reason sent with injected 429s (default `jira-burst-based`). */
  rateLimitReason: string;
  close(): Promise<void>;
  /** A ready `trackers[]` entry pointing at this sandbox, fields by name. */
  trackerConfig(overrides?: SandboxConfigOverrides): ConfigInput;
  issue(keyOrId: string): SandboxIssueView | null;
  issues(): SandboxIssueView[];
  issuesInRankOrder(): SandboxIssueView[];
  /** A person edits the issue in Jira's UI (bumps `updated`). */
  editIssue(key: string, edit: HumanEdit): void;
  deleteIssue(key: string): void;
  /** Takes a field (name or id) off every edit screen, or puts it back. */
  setOnEditScreen(field: string, onScreen: boolean): void;
  /** Answers 403 to every request of this operation (`rank`, `edit`, ...), e.g. a missing permission. */
  setForbidden(operation: string, forbidden: boolean): void;
  /** The next rank calls fail for these issues (207 partial answer) until cleared. */
  failRankFor(keys: string[]): void;
  webhook(key: string, options?: WebhookOptions): SignedWebhook;
}

function view(issue: SandboxIssue): SandboxIssueView {
  const v = issue.values;
  return {
    id: issue.id,
    key: issue.key,
    project: issue.project,
    summary: issue.summary,
    issueType: issue.issueType,
    labels: [...issue.labels],
    status: issue.status,
    value: v[SANDBOX_FIELDS.value],
    cost: v[SANDBOX_FIELDS.cost],
    netValue: v[SANDBOX_FIELDS.netValue],
    rankPosition: v[SANDBOX_FIELDS.rankPosition],
    rank: issue.rank,
    updatedMs: issue.updatedMs,
  };
}

function faultReply(
  fault: Fault,
  reason: string,
  nowMs: number,
): { reply: Reply; headers: Record<string, string> } | null {
  if (fault.kind === 'rate_limit') {
    const reset = new Date(nowMs + fault.retryAfterSec * 1000).toISOString().slice(0, 16) + 'Z';
    return {
      reply: { status: 429, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } },
      headers: {
        'retry-after': String(fault.retryAfterSec),
        'ratelimit-reason': reason,
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': reset,
      },
    };
  }
  if (fault.kind === 'server_error') {
    return {
      reply: {
        status: fault.status,
        body: { errorMessages: ['Internal server error'], errors: {} },
      },
      headers: {},
    };
  }
  return null;
}

export async function startJiraSandbox(options: JiraSandboxOptions = {}): Promise<JiraSandbox> {
  const now = options.now ?? Date.now;
  const credentials = { email: 'netvalue-bot@example.com', apiToken: 'sandbox-api-token' };
  const account = {
    ...credentials,
    accountId: '712020:netvalue-bot',
    displayName: 'netvalue bot',
    timeZone: options.timeZone ?? 'UTC',
  };
  const seeded = seedIssues({
    count: options.issues ?? 60,
    seed: options.seed ?? 42,
    includeExamples: options.includeExamples ?? false,
    nowMs: now(),
  });
  const state = new SandboxState(account, fieldCatalog(options.duplicateFieldName), now, seeded);
  const pager = new SearchPager();
  const log = new RequestLog();
  const faults = new FaultInjector();
  const expectedAuth = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
  const budget = { windowStartMs: now(), used: 0 };
  const forbidden = new Set<string>();
  const env = {
    state,
    pager,
    searchEnv: () => ({
      timeZone: account.timeZone,
      nowMs: now(),
      fields: state.fields,
      baseUrl: state.baseUrl,
      issues: state.issues,
      maxPageSize: options.maxPageSize ?? 100,
    }),
  };

  async function answer(
    req: IncomingMessage,
    url: URL,
    body: unknown,
  ): Promise<{ reply: Reply; headers: Record<string, string> }> {
    if (faults.latency > 0) await sleep(faults.latency);
    const fault = faults.next();
    if (fault?.kind === 'latency') await sleep(fault.ms);
    const faulted = fault ? faultReply(fault, sandbox.rateLimitReason, now()) : null;
    if (faulted) return faulted;
    if (req.headers.authorization !== expectedAuth) {
      return {
        reply: {
          status: 401,
          body: {
            errorMessages: ['Client must be authenticated to access this resource.'],
            errors: {},
          },
        },
        headers: {},
      };
    }
    const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (route && forbidden.has(route.operation)) {
      const message = 'You do not have permission to perform this operation.';
      return {
        reply: { status: 403, body: { errorMessages: [message], errors: {} } },
        headers: {},
      };
    }
    if (!route)
      return {
        reply: { status: 404, body: { errorMessages: [`null for uri: ${url.href}`], errors: {} } },
        headers: {},
      };
    if (body === INVALID)
      return {
        reply: {
          status: 400,
          body: { errorMessages: ['Invalid JSON in the request body.'], errors: {} },
        },
        headers: {},
      };
    const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
    return { reply: route.handle({ url, body }, params, env), headers: {} };
  }

  function budgetHeaders(): Record<string, string> {
    if (!options.rateLimit) return {};
    if (now() - budget.windowStartMs >= 3_600_000)
      Object.assign(budget, { windowStartMs: now(), used: 0 });
    budget.used++;
    return {
      'x-ratelimit-limit': String(options.rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(0, options.rateLimit.limit - budget.used)),
      'x-ratelimit-reset':
        new Date(budget.windowStartMs + 3_600_000).toISOString().slice(0, 16) + 'Z',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', state.baseUrl);
    const raw = (await readBody(req)).toString('utf8');
    let body: unknown;
    try {
      body = raw === '' ? undefined : (JSON.parse(raw) as unknown);
    } catch {
      body = INVALID;
    }
    const operation =
      ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname))?.operation ??
      'unknown';
    const { reply, headers } = await answer(req, url, body).catch((err: unknown) => ({
      reply: { status: 500, body: { errorMessages: [String(err)], errors: {} } },
      headers: {},
    }));
    log.add({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      body: body === INVALID ? raw : (body ?? null),
      status: reply.status,
      atMs: Date.now(),
      operation,
    });
    const all = { ...budgetHeaders(), ...headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, all).end();
    } else {
      res
        .writeHead(reply.status, { ...all, 'content-type': 'application/json;charset=UTF-8' })
        .end(JSON.stringify(reply.body));
    }
  }

  const server = await listenLoopback((req, res) => void handle(req, res), options.port ?? 0);
  state.baseUrl = server.url;
  const mustFind = (key: string): SandboxIssue => {
    const issue = state.find(key);
    if (!issue) throw new Error(`sandbox has no issue ${key}`);
    return issue;
  };
  const webhookSecret = options.webhookSecret ?? 'sandbox-webhook-secret';

  const sandbox: JiraSandbox = {
    url: server.url,
    log,
    faults,
    credentials,
    webhookSecret,
    accountId: account.accountId,
    rateLimitReason: 'jira-burst-based',
    close: () => server.close(),
    trackerConfig: (overrides = {}) => {
      const { fields, ...rest } = overrides;
      return {
        id: 'jira-sandbox',
        kind: 'jira',
        baseUrl: server.url,
        ...credentials,
        jql: 'project in (APP, OPS) AND statusCategory != Done ORDER BY Rank ASC',
        rank: false,
        webhookSecret,
        timeoutMs: 5_000,
        ...rest,
        fields: {
          value: 'Value ($/month)',
          cost: 'Cost (hours)',
          costUnit: 'hours',
          netValue: 'Net value',
          rankPosition: 'Net value rank',
          ...fields,
        },
      };
    },
    issue: (key) => {
      const issue = state.find(key);
      return issue ? view(issue) : null;
    },
    issues: () => [...state.issues.values()].map(view),
    issuesInRankOrder: () => state.inRankOrder().map(view),
    editIssue: (key, edit) => {
      const issue = mustFind(key);
      const changes: Record<string, unknown> = {};
      if (edit.value !== undefined) changes[SANDBOX_FIELDS.value] = edit.value;
      if (edit.cost !== undefined) changes[SANDBOX_FIELDS.cost] = edit.cost;
      if (edit.labels !== undefined) changes['labels'] = edit.labels;
      if (edit.summary !== undefined) changes['summary'] = edit.summary;
      state.apply(issue, changes, HUMAN_ACCOUNT_ID);
      if (edit.status !== undefined) {
        issue.status = edit.status;
        state.touch(issue, [...Object.keys(changes), 'status'], HUMAN_ACCOUNT_ID);
      }
    },
    deleteIssue: (key) => void state.issues.delete(mustFind(key).id),
    setOnEditScreen: (field, onScreen) => {
      const found = state.fields.find((f) => f.id === field || f.name === field);
      if (!found) throw new Error(`sandbox has no field ${field}`);
      if (onScreen) state.offScreen.delete(found.id);
      else state.offScreen.add(found.id);
    },
    setForbidden: (operation, deny) => {
      if (deny) forbidden.add(operation);
      else forbidden.delete(operation);
    },
    failRankFor: (keys) => {
      state.rankFailures.clear();
      for (const key of keys) state.rankFailures.add(mustFind(key).id);
    },
    webhook: (key, webhookOptions = {}) => buildWebhook(state, mustFind(key), webhookOptions),
  };
  return sandbox;
}

const INVALID = Symbol('invalid JSON');
