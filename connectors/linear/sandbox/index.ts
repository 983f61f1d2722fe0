/**
 * A local Linear: a real GraphQL server (graphql-js over Node's http, on 127.0.0.1) speaking the
 * subset of Linear's API the connector uses, seeded with a realistic backlog, with Linear's auth,
 * limits, rate-limit headers and error shapes, and faults on demand. Tests and the demo point the
 * real @linear/sdk at `url`. The methods below play the people and the webhooks.
 */
import type { z } from 'zod';
import { FaultInjector, listenLoopback, RequestLog } from '../../sandbox-kit/index.js';
import type { LinearTrackerConfig } from '../config.js';
import type { SbIssue, Workspace } from './data.js';
import { createHandler } from './http.js';
import { RateWindow } from './rate.js';
import { buildSandboxSchema } from './schema.js';
import { seedWorkspace, VALUE_GROUP } from './seed.js';
import { buildWebhook, type SignedWebhook, type WebhookOptions } from './webhook.js';

export interface LinearSandboxOptions {
  /** Issues to seed across ENG, OPS and DES (default 60). */
  issues?: number;
  seed?: number;
  /** Put the method's two example tasks (docs/architecture.md) first, in ENG. */
  includeExamples?: boolean;
  port?: number;
  apiKey?: string;
  /** Requests per hour before the sandbox answers RATELIMITED by itself (default 2,500). */
  requestsPerHour?: number;
  /** Complexity points per hour before it answers RATELIMITED (default 3,000,000). */
  complexityPerHour?: number;
  /**
   * Scales the rate window down in time: the budgets above hold per hour / timeScale (default 1;
   * 1,800 makes the hour 2 s), so a benchmark meets them within a minute.
   */
  timeScale?: number;
}

/** An issue as a person sees it in Linear, for assertions. */
export interface SandboxIssueState {
  id: string;
  identifier: string;
  title: string;
  teamKey: string;
  stateType: string;
  estimate: number | null;
  priority: number;
  prioritySortOrder: number;
  sortOrder: number;
  /** `Group/name` for grouped labels. */
  labels: string[];
  /** The label of the Value group, if any. */
  valueLabel: string | null;
  updatedAt: string;
  attachments: { url: string; title: string; subtitle: string | null }[];
}

/** A person's edit in the Linear UI; each one bumps updatedAt. */
export interface IssueEdit {
  /** A label of the Value group by name (created when missing); null removes it. */
  valueLabel?: string | null;
  estimate?: number | null;
  teamKey?: string;
  /** Replaces every label outside the Value group; `Group/name` puts it in a group. */
  labels?: string[];
  stateType?: string;
  priority?: number;
  prioritySortOrder?: number;
  /** Made by an integration or automation: its activity entry has no user (default: a person). */
  byAutomation?: boolean;
}

export type LinearTrackerConfigInput = z.input<typeof LinearTrackerConfig>;

export interface LinearSandbox {
  /** The GraphQL endpoint, to use as `apiUrl`. */
  url: string;
  apiKey: string;
  /** The id of the API key's user: webhooks default to it as the actor (our own writes). */
  viewerId: string;
  log: RequestLog;
  faults: FaultInjector;
  workspace: Workspace;
  /** The rate budget: per-window tallies and complexity by operation. */
  rate: RateWindow;
  close(): Promise<void>;
  trackerConfig(overrides?: Partial<LinearTrackerConfigInput>): LinearTrackerConfigInput;
  issue(identifier: string): SandboxIssueState;
  issues(): SandboxIssueState[];
  /** Linear's priority order: Urgent, High, Medium, Low, then No priority; prioritySortOrder within. */
  issuesInPriorityOrder(): SandboxIssueState[];
  editIssue(identifier: string, edit: IssueEdit): SandboxIssueState;
  webhook(identifier: string, options: WebhookOptions): SignedWebhook;
}

function snapshot(ws: Workspace, issue: SbIssue): SandboxIssueState {
  const labels = issue.labelIds.map((id) => ws.label(id)).filter((l) => l !== undefined);
  const groupName = (id: string | null): string | null =>
    id === null ? null : (ws.label(id)?.name ?? null);
  return {
    id: issue.id,
    identifier: ws.identifier(issue),
    title: issue.title,
    teamKey: ws.team(issue.teamId).key,
    stateType: ws.state(issue.stateId).type,
    estimate: issue.estimate,
    priority: issue.priority,
    prioritySortOrder: issue.prioritySortOrder,
    sortOrder: issue.sortOrder,
    labels: labels.map((l) =>
      l.parentId === null ? l.name : `${groupName(l.parentId)}/${l.name}`,
    ),
    valueLabel: labels.find((l) => groupName(l.parentId) === VALUE_GROUP)?.name ?? null,
    updatedAt: issue.updatedAt,
    attachments: ws
      .attachmentsOf(issue.id)
      .map((a) => ({ url: a.url, title: a.title, subtitle: a.subtitle })),
  };
}

/** Bucket order of Linear's priority views: 1, 2, 3, 4, then 0 (no priority). */
function bucket(priority: number): number {
  return priority === 0 ? 5 : priority;
}

function applyEdit(ws: Workspace, issue: SbIssue, edit: IssueEdit): void {
  const valueGroup = ws.labels.find((l) => l.isGroup && l.name === VALUE_GROUP);
  const inValue = (id: string): boolean => ws.label(id)?.parentId === valueGroup?.id;
  if (edit.labels !== undefined) {
    const named = edit.labels.map((name) => {
      const [groupName, child] = name.includes('/')
        ? (name.split('/', 2) as [string, string])
        : [null, name];
      const parent =
        groupName === null ? null : ws.labels.find((l) => l.isGroup && l.name === groupName);
      return ws.ensureLabel(child, parent?.id ?? null).id;
    });
    issue.labelIds = [...issue.labelIds.filter(inValue), ...named];
  }
  if (edit.valueLabel !== undefined) {
    issue.labelIds = issue.labelIds.filter((id) => !inValue(id));
    if (edit.valueLabel !== null && valueGroup)
      issue.labelIds.push(ws.ensureLabel(edit.valueLabel, valueGroup.id).id);
  }
  if (edit.estimate !== undefined) issue.estimate = edit.estimate;
  if (edit.priority !== undefined) issue.priority = edit.priority;
  if (edit.prioritySortOrder !== undefined) issue.prioritySortOrder = edit.prioritySortOrder;
  if (edit.teamKey !== undefined) {
    const team = ws.teamByKey(edit.teamKey);
    if (!team) throw new Error(`sandbox has no team ${edit.teamKey}`);
    ws.moveToTeam(issue, team);
  }
  if (edit.stateType !== undefined) {
    const state = ws.stateOfType(issue.teamId, edit.stateType);
    if (!state) throw new Error(`sandbox has no state of type ${edit.stateType}`);
    issue.stateId = state.id;
  }
}

export async function startLinearSandbox(
  options: LinearSandboxOptions = {},
): Promise<LinearSandbox> {
  const ws = seedWorkspace({
    issues: options.issues ?? 60,
    seed: options.seed ?? 42,
    includeExamples: options.includeExamples ?? false,
  });
  const apiKey = options.apiKey ?? 'lin_api_sandbox_0123456789abcdef';
  const log = new RequestLog();
  const faults = new FaultInjector();
  const rate = new RateWindow({
    ...(options.requestsPerHour !== undefined ? { requestsPerHour: options.requestsPerHour } : {}),
    ...(options.complexityPerHour !== undefined
      ? { complexityPerHour: options.complexityPerHour }
      : {}),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
  });
  const server = await listenLoopback(
    createHandler({ ws, schema: buildSandboxSchema(), apiKey, log, faults, rate }),
    options.port ?? 0,
  );
  const url = `${server.url}/graphql`;
  const find = (identifier: string): SbIssue => {
    const issue = ws.findIssue(identifier);
    if (!issue) throw new Error(`sandbox has no issue ${identifier}`);
    return issue;
  };
  return {
    url,
    apiKey,
    viewerId: ws.viewer.id,
    log,
    faults,
    workspace: ws,
    rate,
    close: () => server.close(),
    trackerConfig: (overrides = {}) => ({
      id: 'sandbox-linear',
      kind: 'linear',
      apiUrl: url,
      // The sandbox serves plain http on 127.0.0.1 (config refuses http:// without this).
      allowInsecureHttp: true,
      apiKey,
      teams: ['ENG', 'OPS'],
      ...overrides,
    }),
    issue: (identifier) => snapshot(ws, find(identifier)),
    issues: () => ws.issues.map((i) => snapshot(ws, i)),
    issuesInPriorityOrder: () =>
      ws.issues
        .map((i) => snapshot(ws, i))
        .sort(
          (a, b) =>
            bucket(a.priority) - bucket(b.priority) || a.prioritySortOrder - b.prioritySortOrder,
        ),
    editIssue: (identifier, edit) => {
      const issue = find(identifier);
      applyEdit(ws, issue, edit);
      ws.changed(issue, edit.byAutomation ? null : ws.person.id);
      return snapshot(ws, issue);
    },
    webhook: (identifier, webhookOptions) => buildWebhook(ws, find(identifier), webhookOptions),
  };
}
