/**
 * A local Jira Cloud site for the demo, the tests and the benchmarks: a real HTTP server speaking
 * the subset of REST v3 and Agile 1.0 the connector uses, seeded from the shared backlog
 * generator, with Jira-shaped faults (429 + Retry-After + RateLimit-Reason, 5xx, latency).
 */
import type { z } from 'zod';
import { FaultInjector, listenLoopback, RequestLog } from '../../sandbox-kit/index.js';
import type { JiraTrackerConfig } from '../config.js';
import {
  fieldCatalog,
  seedIssues,
  SANDBOX_FIELDS,
  type SandboxIssue,
  type StatusName,
} from './data.js';
import { createHandler } from './http.js';
import { JiraRateBudget, type JiraRateLimitOptions } from './rate.js';
import { SearchPager } from './search.js';
import { HUMAN_ACCOUNT_ID, SandboxState, type AdminRights } from './state.js';
import { buildWebhook, type SignedWebhook, type WebhookOptions } from './webhook.js';

export { SANDBOX_FIELDS, SANDBOX_RANGE_FIELD_NAMES } from './data.js';
export { HUMAN_ACCOUNT_ID, type AdminRights } from './state.js';

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
  /**
   * Report X-RateLimit-* headers on every answer with this hourly budget; with `enforce`, answer
   * 429 + Retry-After once it is spent; `perIssueWrites` limits writes per issue; `timeScale`
   * shrinks the hour (see rate.ts). Off by default.
   */
  rateLimit?: JiraRateLimitOptions;
  now?: () => number;
  webhookSecret?: string;
  /**
   * What the API account administers (default: nothing). `jira: true` is Administer Jira;
   * `projects` the keys where it has Administer Projects. Without either for an issue's project,
   * an edit with notifyUsers=false is refused (403), as Jira Cloud does.
   */
  adminRights?: Partial<AdminRights>;
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
  /** The rate budget's per-window tallies (null without `rateLimit`). */
  budget: JiraRateBudget | null;
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
  /** Changes what the API account administers (see `JiraSandboxOptions.adminRights`). */
  setAdminRights(rights: Partial<AdminRights>): void;
  /**
   * Jira's LexoRank rebalancing (or any renumbering done behind netvalue's back): every issue's
   * Rank value is rewritten into the next bucket (`0|…` → `1|…` → `2|…` → `0|…`), evenly spaced,
   * keeping the relative order. `updated` is not touched and no webhook is sent, so incremental
   * pulls do not see it. Returns the number of issues renumbered.
   */
  rebalanceRanks(): number;
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
  const setAdminRights = (rights: Partial<AdminRights>): void => {
    state.adminRights = { jira: rights.jira ?? false, projects: [...(rights.projects ?? [])] };
  };
  setAdminRights(options.adminRights ?? {});
  const log = new RequestLog();
  const faults = new FaultInjector();
  const forbidden = new Set<string>();
  const budget = options.rateLimit ? new JiraRateBudget(options.rateLimit, now) : null;
  const server = await listenLoopback(
    createHandler({
      state,
      pager: new SearchPager(),
      searchEnv: () => ({
        timeZone: account.timeZone,
        nowMs: now(),
        fields: state.fields,
        baseUrl: state.baseUrl,
        issues: state.issues,
        maxPageSize: options.maxPageSize ?? 100,
      }),
      log,
      faults,
      expectedAuth: `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`,
      forbidden,
      rateLimitReason: () => sandbox.rateLimitReason,
      rateLimit: options.rateLimit,
      budget,
      now,
    }),
    options.port ?? 0,
  );
  state.baseUrl = server.url;
  const mustFind = (key: string): SandboxIssue => {
    const issue = state.find(key);
    if (!issue) throw new Error(`sandbox has no issue ${key}`);
    return issue;
  };
  // At least 32 characters, as config requires of every webhookSecret (src/domain/secrets.ts).
  const webhookSecret = options.webhookSecret ?? 'sandbox-webhook-secret-for-local-tests-only';

  const sandbox: JiraSandbox = {
    url: server.url,
    log,
    faults,
    credentials,
    webhookSecret,
    budget,
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
        // The sandbox serves plain http on 127.0.0.1 (config refuses http:// without this).
        allowInsecureHttp: true,
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
      if (edit.status !== undefined) changes['status'] = edit.status;
      state.apply(issue, changes, HUMAN_ACCOUNT_ID);
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
    setAdminRights,
    rebalanceRanks: () => {
      state.rebalanceRanks();
      return state.issues.size;
    },
    webhook: (key, webhookOptions = {}) => buildWebhook(state, mustFind(key), webhookOptions),
  };
  return sandbox;
}
