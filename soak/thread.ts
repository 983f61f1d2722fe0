/**
 * The soak's tracker side, in its own thread (as the bench does): both sandboxes at scale behind
 * fault proxies, the people editing issues, the webhook sender, the write log (every write with
 * the value the tracker held just before it) and the final checks. The main thread (run.ts)
 * drives it through the small request/response protocol of bench/sandbox-host.ts.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { startJiraSandbox, type SandboxIssueView } from '../connectors/jira/sandbox/index.js';
import { startLinearSandbox } from '../connectors/linear/sandbox/index.js';
import type { SbIssue } from '../connectors/linear/sandbox/data.js';
import type { FaultInjector, RandomFaults } from '../connectors/sandbox-kit/index.js';
import { seededRandom } from '../connectors/sandbox-kit/backlog.js';
import {
  expectJira,
  expectLinear,
  orderViolations,
  priorityOf,
  type Expected,
  type Ranked,
} from './expected.js';
import { startFaultProxy, type ProxiedRequest } from './fault-proxy.js';

interface ThreadData {
  issuesPerTracker: number;
  seed: number;
  secrets: { jiraWebhook: string; linearWebhook: string; linearApiKey: string };
  trackers: { jira: string; linear: string };
  /** A write to an issue this long after it left the scope counts as out of scope. */
  scopeGraceMs: number;
}
const data = workerData as ThreadData;
const random = seededRandom(data.seed * 7919);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const HUMAN_LINEAR_ACTOR = 'a3f1c2d4-0000-4000-8000-00000000beef';
const PIN = 'netvalue-pin';

const [jira, linear] = await Promise.all([
  startJiraSandbox({
    issues: data.issuesPerTracker,
    seed: data.seed,
    includeExamples: true,
    webhookSecret: data.secrets.jiraWebhook,
  }),
  startLinearSandbox({
    issues: data.issuesPerTracker,
    seed: data.seed + 1,
    apiKey: data.secrets.linearApiKey,
    requestsPerHour: 1_000_000_000,
    complexityPerHour: 1_000_000_000_000, // budgets are the bench's subject; here, faults
  }),
]);
const ws = linear.workspace;
const linearById = new Map<string, SbIssue>(ws.issues.map((i) => [i.id, i]));

// ---- scope bookkeeping -------------------------------------------------------------------------

const jiraInScope = (v: SandboxIssueView): boolean =>
  (v.project === 'APP' || v.project === 'OPS') && v.status !== 'Done';
const linearInScope = (i: SbIssue): boolean => {
  const team = ws.team(i.teamId).key;
  const type = ws.state(i.stateId).type;
  return (team === 'ENG' || team === 'OPS') && type !== 'completed' && type !== 'canceled';
};
/** When each issue (by tracker id) last left the scope; removed when it comes back. */
const leftScopeAt = new Map<string, number>();
/** When each issue was last edited by a person, by `<tracker>:<id>`. */
const editedAt = new Map<string, number>();
const stats = {
  edits: 0,
  editsByKind: {} as Record<string, number>,
  webhooks: 0,
  webhooksByKind: {} as Record<string, number>,
  webhookStatuses: {} as Record<string, number>,
  webhookErrors: 0,
};

function noteScope(tracker: 'jira' | 'linear', id: string, wasIn: boolean, isIn: boolean): void {
  const k = `${tracker}:${id}`;
  if (wasIn && !isIn) leftScopeAt.set(k, Date.now());
  if (!wasIn && isIn) leftScopeAt.delete(k);
}

// ---- the write log -----------------------------------------------------------------------------

interface WriteRecord {
  tracker: 'jira' | 'linear';
  id: string;
  key: string;
  field: string;
  before: unknown;
  sent: unknown;
  after: unknown;
  status: number;
  atMs: number;
  inScope: boolean;
  outOfScopeForMs: number | null;
}
const writes: WriteRecord[] = [];
const rankCalls = { total: 0, outOfScopeIssues: [] as string[] };

const NET_FIELD = 'customfield_10050';
type JiraBefore = { key: string; id: string; netValue: unknown; inScope: boolean } | null;

function jiraBefore(req: ProxiedRequest): JiraBefore {
  if (req.method !== 'PUT') return null;
  const m = /^\/rest\/api\/3\/issue\/([^/?]+)/.exec(req.path);
  if (!m) {
    if (/^\/rest\/agile\/1\.0\/issue\/rank/.test(req.path)) {
      rankCalls.total++;
      const issues = (req.body as { issues?: string[] } | null)?.issues ?? [];
      for (const key of issues) {
        const v = jira.issue(key);
        const left = v ? leftScopeAt.get(`jira:${v.id}`) : undefined;
        if (v && !jiraInScope(v) && left !== undefined && Date.now() - left > data.scopeGraceMs)
          rankCalls.outOfScopeIssues.push(v.key);
      }
    }
    return null;
  }
  const v = jira.issue(decodeURIComponent(m[1] ?? ''));
  if (!v) return null;
  return { key: v.key, id: v.id, netValue: v.netValue ?? null, inScope: jiraInScope(v) };
}

function jiraAfter(req: ProxiedRequest, status: number, before: JiraBefore): void {
  if (!before) return;
  const fields = (req.body as { fields?: Record<string, unknown> } | null)?.fields ?? {};
  if (!(NET_FIELD in fields)) return;
  const after = jira.issue(before.id)?.netValue ?? null;
  const left = leftScopeAt.get(`jira:${before.id}`);
  writes.push({
    tracker: 'jira',
    id: before.id,
    key: before.key,
    field: 'netValue',
    before: before.netValue,
    sent: fields[NET_FIELD] ?? null,
    after,
    status,
    atMs: Date.now(),
    inScope: before.inScope,
    outOfScopeForMs: before.inScope || left === undefined ? null : Date.now() - left,
  });
}

type LinearBefore = {
  items: {
    id: string;
    key: string;
    input: Record<string, unknown>;
    held: Record<string, unknown>;
  }[];
  inScope: boolean[];
} | null;

function linearBefore(req: ProxiedRequest): LinearBefore {
  const body = req.body as { query?: unknown; variables?: Record<string, unknown> } | null;
  if (typeof body?.query !== 'string' || !/mutation\s+NetvalueIssueUpdates?\b/.test(body.query))
    return null;
  const vars = body.variables ?? {};
  const items: NonNullable<LinearBefore>['items'] = [];
  const inScope: boolean[] = [];
  for (const [name, value] of Object.entries(vars)) {
    const m = /^id(\d*)$/.exec(name);
    if (!m || typeof value !== 'string') continue;
    const issue = linearById.get(value);
    const input = (vars[`input${m[1] ?? ''}`] ?? {}) as Record<string, unknown>;
    if (!issue) continue;
    items.push({
      id: value,
      key: ws.identifier(issue),
      input,
      held: { priority: issue.priority, prioritySortOrder: issue.prioritySortOrder },
    });
    inScope.push(linearInScope(issue));
  }
  return { items, inScope };
}

function linearAfter(_req: ProxiedRequest, status: number, before: LinearBefore): void {
  if (!before) return;
  before.items.forEach((item, i) => {
    const issue = linearById.get(item.id);
    if (!issue) return;
    const left = leftScopeAt.get(`linear:${item.id}`);
    const inScope = before.inScope[i] ?? true;
    for (const [field, sent] of Object.entries(item.input)) {
      writes.push({
        tracker: 'linear',
        id: item.id,
        key: item.key,
        field,
        before: item.held[field],
        sent,
        after: field === 'priority' ? issue.priority : issue.prioritySortOrder,
        status,
        atMs: Date.now(),
        inScope,
        outOfScopeForMs: inScope || left === undefined ? null : Date.now() - left,
      });
    }
  });
}

const jiraProxy = await startFaultProxy(jira.url, { before: jiraBefore, after: jiraAfter });
const linearProxy = await startFaultProxy(linear.url.replace(/\/graphql$/, ''), {
  before: linearBefore,
  after: linearAfter,
});

// ---- faults ------------------------------------------------------------------------------------

/** At the sandbox, in the tracker's own shapes: 429 + Retry-After (1 s or 2 s), 500, 503. */
const SANDBOX_FAULTS: RandomFaults = {
  rateLimitShare: 0.05,
  retryAfterSec: 1,
  serverErrorShare: 0.03,
  mix: [
    { share: 0.03, fault: { kind: 'server_error', status: 500 } },
    { share: 0.01, fault: { kind: 'rate_limit', retryAfterSec: 2 } },
  ],
};
/** In front of it: 429 without Retry-After, 502, resets, timeouts (beyond the client's), spikes. */
const PROXY_FAULTS: RandomFaults = {
  mix: [
    { share: 0.025, fault: { kind: 'bare_status', status: 429 } },
    { share: 0.02, fault: { kind: 'bare_status', status: 502 } },
    { share: 0.015, fault: { kind: 'reset' } },
    { share: 0.01, fault: { kind: 'timeout', ms: 4_000 } },
    { share: 0.025, fault: { kind: 'latency', ms: 1_500 } },
  ],
};
const injectors: FaultInjector[] = [
  jira.faults,
  linear.faults,
  jiraProxy.faults,
  linearProxy.faults,
];

function faultCounts() {
  const byKind: Record<string, number> = {};
  const add = (prefix: string, f: FaultInjector) => {
    for (const [kind, n] of Object.entries(f.injected)) {
      const name = `${prefix}${kind}`;
      byKind[name] = (byKind[name] ?? 0) + n;
    }
  };
  add('tracker:', jira.faults);
  add('tracker:', linear.faults);
  add('proxy:', jiraProxy.faults);
  add('proxy:', linearProxy.faults);
  const total = injectors.reduce((s, f) => s + f.injectedTotal, 0);
  const requests = jiraProxy.requests + linearProxy.requests;
  return { total, requests, sharePct: requests ? (100 * total) / requests : 0, byKind };
}

// ---- people editing ----------------------------------------------------------------------------

const money = (v: number): string => {
  const k = v / 1000;
  const c = Number.isInteger(k) ? String(k) : String(Number(k.toFixed(2)));
  const formats = [
    () => (v < 1000 ? `$${v}` : `$${c}k`),
    () => `$${v.toLocaleString('en-US')}`,
    () => String(v),
    () => (v < 1000 ? `$${v}/mo` : `$${c}k/mo`),
    () => `$${(v * 12) / 1000}k/yr`,
  ];
  return pick(formats)();
};
const randomValue = () => Math.round(1 + random() * 39) * 250;

interface Edited {
  tracker: 'jira' | 'linear';
  key: string;
  id: string;
}

function bump(kind: string, e: Edited): Edited {
  stats.edits++;
  stats.editsByKind[kind] = (stats.editsByKind[kind] ?? 0) + 1;
  editedAt.set(`${e.tracker}:${e.id}`, Date.now());
  return e;
}

function editJira(key?: string): Edited {
  const all = jira.issues();
  const roll = random();
  let target: SandboxIssueView;
  if (key !== undefined) target = jira.issue(key) as SandboxIssueView;
  else if (roll >= 0.8 && roll < 0.9) {
    const done = all.filter((i) => i.status === 'Done');
    target = done.length > 0 ? pick(done) : pick(all);
  } else {
    const inScope = all.filter(jiraInScope);
    target = pick(inScope.length > 0 ? inScope : all);
  }
  const wasIn = jiraInScope(target);
  let kind: string;
  if (key !== undefined || roll < 0.35) {
    kind = 'value';
    jira.editIssue(target.key, { value: randomValue() });
  } else if (roll < 0.55) {
    kind = 'cost';
    jira.editIssue(target.key, { cost: 8 * (1 + Math.floor(random() * 13)) });
  } else if (roll < 0.65) {
    kind = 'value+cost';
    jira.editIssue(target.key, { value: randomValue(), cost: 8 * (1 + Math.floor(random() * 13)) });
  } else if (roll < 0.68) {
    kind = 'value-cleared';
    jira.editIssue(target.key, { value: null });
  } else if (roll < 0.7) {
    kind = 'value-unreadable';
    jira.editIssue(target.key, { value: 'about 5k' });
  } else if (roll < 0.8) {
    kind = 'leave-scope';
    jira.editIssue(target.key, { status: 'Done' });
  } else if (roll < 0.9) {
    kind = 'enter-scope';
    jira.editIssue(target.key, { status: 'To Do', value: randomValue() });
  } else {
    kind = 'status';
    jira.editIssue(target.key, { status: target.status === 'To Do' ? 'In Progress' : 'To Do' });
  }
  const now = jira.issue(target.key) as SandboxIssueView;
  noteScope('jira', now.id, wasIn, jiraInScope(now));
  return bump(`jira:${kind}`, { tracker: 'jira', key: now.key, id: now.id });
}

function editLinear(id?: string): Edited {
  const roll = random();
  let issue: SbIssue;
  if (id !== undefined) issue = linearById.get(id) as SbIssue;
  else if (roll >= 0.8 && roll < 0.9) {
    const out = ws.issues.filter((i) => !linearInScope(i) && ws.team(i.teamId).key !== 'DES');
    issue = out.length > 0 ? pick(out) : pick(ws.issues);
  } else if (roll >= 0.95) {
    const des = ws.issues.filter((i) => ws.team(i.teamId).key === 'DES');
    issue = des.length > 0 ? pick(des) : pick(ws.issues);
  } else {
    const inScope = ws.issues.filter(linearInScope);
    issue = pick(inScope.length > 0 ? inScope : ws.issues);
  }
  const wasIn = linearInScope(issue);
  const identifier = ws.identifier(issue);
  let kind: string;
  if (id !== undefined || roll < 0.3) {
    kind = 'value';
    linear.editIssue(identifier, { valueLabel: money(randomValue()) });
  } else if (roll < 0.4) {
    kind = 'value-range';
    const v = randomValue();
    const d = Math.max(250, Math.round(v / 3 / 250) * 250);
    const fmt = (n: number) => (n < 1000 ? `$${n}` : `$${n / 1000}k`);
    linear.editIssue(identifier, { valueLabel: `${fmt(Math.max(0, v - d))}-${fmt(v + d)}` });
  } else if (roll < 0.65) {
    kind = 'estimate';
    linear.editIssue(identifier, { estimate: pick([1, 2, 3, 5, 8, 13]) });
  } else if (roll < 0.68) {
    kind = 'estimate-cleared';
    linear.editIssue(identifier, { estimate: null });
  } else if (roll < 0.7) {
    kind = 'value-unreadable';
    linear.editIssue(identifier, { valueLabel: 'TBD' });
  } else if (roll < 0.8) {
    kind = 'leave-scope';
    linear.editIssue(identifier, { stateType: pick(['completed', 'canceled']) });
  } else if (roll < 0.9) {
    kind = 'enter-scope';
    linear.editIssue(identifier, { stateType: pick(['backlog', 'unstarted', 'started']) });
  } else if (roll < 0.95) {
    kind = 'leave-team';
    linear.editIssue(identifier, { teamKey: 'DES' });
  } else {
    kind = 'enter-team';
    linear.editIssue(identifier, { teamKey: pick(['ENG', 'OPS']) });
  }
  noteScope('linear', issue.id, wasIn, linearInScope(issue));
  return bump(`linear:${kind}`, { tracker: 'linear', key: ws.identifier(issue), id: issue.id });
}

const edit = (): Edited => (random() < 0.5 ? editJira() : editLinear());

// ---- webhooks ----------------------------------------------------------------------------------

interface Delivery {
  tracker: 'jira' | 'linear';
  headers: Record<string, string>;
  body: string;
  sentAt: number;
}
const deliveries: Delivery[] = [];
let serveUrl = '';

function signed(e: Edited): Delivery {
  if (e.tracker === 'jira') {
    const w = jira.webhook(e.key, { secret: data.secrets.jiraWebhook, deliveryId: randomUUID() });
    return { tracker: 'jira', ...w, sentAt: Date.now() };
  }
  const w = linear.webhook(e.key, {
    secret: data.secrets.linearWebhook,
    actorId: HUMAN_LINEAR_ACTOR,
    deliveryId: randomUUID(),
  });
  return { tracker: 'linear', ...w, sentAt: Date.now() };
}

async function post(kind: string, d: Delivery): Promise<void> {
  stats.webhooks++;
  stats.webhooksByKind[kind] = (stats.webhooksByKind[kind] ?? 0) + 1;
  const id = d.tracker === 'jira' ? data.trackers.jira : data.trackers.linear;
  try {
    const res = await fetch(`${serveUrl}/webhooks/${d.tracker}/${id}`, {
      method: 'POST',
      headers: d.headers,
      body: d.body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let answer = '';
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      const named = json['status'] ?? json['code'] ?? json['error'];
      answer = typeof named === 'string' ? named : '';
    } catch {
      answer = '';
    }
    const name = `${kind} ${res.status}${answer ? ` ${answer}` : ''}`;
    stats.webhookStatuses[name] = (stats.webhookStatuses[name] ?? 0) + 1;
  } catch {
    stats.webhookErrors++;
  }
}

const hmac = (secret: string, body: string) =>
  createHmac('sha256', secret).update(body).digest('hex');

async function webhookEvent(): Promise<void> {
  const roll = random();
  const recent = deliveries.at(-1);
  if (roll < 0.45 || !recent) {
    const d = signed(edit());
    deliveries.push(d);
    await post('real edit', d);
  } else if (roll < 0.57) {
    await post('duplicate', { ...recent, sentAt: Date.now() });
  } else if (roll < 0.65) {
    const headers = { ...recent.headers };
    headers[recent.tracker === 'jira' ? 'x-atlassian-webhook-identifier' : 'linear-delivery'] =
      randomUUID();
    await post('replay under a new id', { ...recent, headers });
  } else if (roll < 0.75) {
    const old = deliveries.filter((d) => Date.now() - d.sentAt > 20_000);
    await post('late duplicate', old.length > 0 ? pick(old) : recent);
  } else if (roll < 0.83) {
    const headers = { ...recent.headers };
    if (recent.tracker === 'jira')
      headers['x-hub-signature'] = `sha256=${hmac('not-the-secret', recent.body)}`;
    else headers['linear-signature'] = hmac('not-the-secret', recent.body);
    await post('bad signature', { ...recent, headers });
  } else if (roll < 0.9) {
    if (recent.tracker === 'jira') {
      const body = JSON.parse(recent.body) as Record<string, unknown>;
      body['timestamp'] = Date.now() - 2 * 3_600_000;
      const text = JSON.stringify(body);
      const headers = {
        ...recent.headers,
        'x-hub-signature': `sha256=${hmac(data.secrets.jiraWebhook, text)}`,
        'x-atlassian-webhook-identifier': randomUUID(),
      };
      await post('stale signature', { ...recent, headers, body: text });
    } else {
      const key = (JSON.parse(recent.body) as { data: { id: string } }).data.id;
      const issue = linearById.get(key);
      if (!issue) return;
      const w = linear.webhook(ws.identifier(issue), {
        secret: data.secrets.linearWebhook,
        actorId: HUMAN_LINEAR_ACTOR,
        timestampMs: Date.now() - 10 * 60_000,
      });
      await post('stale signature', { tracker: 'linear', ...w, sentAt: Date.now() });
    }
  } else {
    // A burst: one issue edited and announced 6 times within ~150 ms.
    const first = edit();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 6; i++) {
      const e =
        i === 0 ? first : first.tracker === 'jira' ? editJira(first.key) : editLinear(first.id);
      const d = signed(e);
      deliveries.push(d);
      sends.push(post('burst', d));
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.all(sends);
  }
  if (deliveries.length > 2000) deliveries.splice(0, 1000);
}

// ---- chaos loop --------------------------------------------------------------------------------

const timers: NodeJS.Timeout[] = [];
const inFlight = new Set<Promise<void>>();

function every(ms: number, fn: () => Promise<void> | void): void {
  timers.push(
    setInterval(() => {
      const p = Promise.resolve(fn()).catch(() => undefined);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }, ms),
  );
}

// ---- checks ------------------------------------------------------------------------------------

interface Wrong {
  tracker: string;
  key: string;
  field: string;
  expected: unknown;
  found: unknown;
}

const close = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 0.005);

function check(onlyEdited: boolean) {
  const wrong: Wrong[] = [];
  const edited = (tracker: string, id: string) => editedAt.has(`${tracker}:${id}`);
  // Jira: the Net value field, and the board order of the scored issues.
  const jiraExpected = new Map<string, Expected>();
  for (const v of jira.issues()) {
    if (!jiraInScope(v)) continue;
    const e = expectJira(v.value, v.cost);
    jiraExpected.set(v.id, e);
    if (onlyEdited && !edited('jira', v.id)) continue;
    const want = e.status === 'scored' ? e.netValueUsd : null;
    if (!close(v.netValue ?? null, want))
      wrong.push({
        tracker: 'jira',
        key: v.key,
        field: 'netValue',
        expected: want,
        found: v.netValue ?? null,
      });
  }
  const jiraOrder = jira.issuesInRankOrder().filter(jiraInScope);
  // Linear: the priority bucket, and prioritySortOrder of the scored, unpinned issues.
  const linearExpected = new Map<string, Expected>();
  const linearIssues = linear.issues().filter((i) => {
    const team = i.teamKey;
    return (
      (team === 'ENG' || team === 'OPS') &&
      i.stateType !== 'completed' &&
      i.stateType !== 'canceled'
    );
  });
  for (const i of linearIssues) {
    const e = expectLinear(i.valueLabel, i.estimate);
    linearExpected.set(i.id, e);
    if (onlyEdited && !edited('linear', i.id)) continue;
    if (i.priority !== priorityOf(e))
      wrong.push({
        tracker: 'linear',
        key: i.identifier,
        field: 'priority',
        expected: priorityOf(e),
        found: i.priority,
      });
  }
  const ranked = (id: string, key: string, e: Expected | undefined): Ranked | null =>
    e?.status === 'scored' ? { id, key, expected: e } : null;
  const jiraRanked = jiraOrder
    .map((v) => ranked(v.id, v.key, jiraExpected.get(v.id)))
    .filter((r): r is Ranked => r !== null);
  const linearRanked = [...linearIssues]
    .filter((i) => !i.labels.includes(PIN))
    .sort((a, b) => a.prioritySortOrder - b.prioritySortOrder)
    .map((i) => ranked(i.id, i.identifier, linearExpected.get(i.id)))
    .filter((r): r is Ranked => r !== null);
  // Unscored and invalid issues come after every scored one.
  const lastScored = (list: { scored: boolean }[]) => list.map((x) => x.scored).lastIndexOf(true);
  const jiraFlags = jiraOrder.map((v) => ({
    key: v.key,
    scored: jiraExpected.get(v.id)?.status === 'scored',
  }));
  const linearFlags = [...linearIssues]
    .filter((i) => !i.labels.includes(PIN))
    .sort((a, b) => a.prioritySortOrder - b.prioritySortOrder)
    .map((i) => ({ key: i.identifier, scored: linearExpected.get(i.id)?.status === 'scored' }));
  const unscoredEarly = (flags: { key: string; scored: boolean }[]) =>
    flags
      .slice(0, lastScored(flags) + 1)
      .filter((f) => !f.scored)
      .map((f) => f.key);
  const order = [
    ...orderViolations(jiraRanked).map((v) => ({ tracker: 'jira', ...v })),
    ...orderViolations(linearRanked).map((v) => ({ tracker: 'linear', ...v })),
  ].map((v) => ({
    tracker: v.tracker,
    ahead: `${v.ahead.key} (${v.ahead.expected.netValueUsd}, cost ${v.ahead.expected.costUsd})`,
    behind: `${v.behind.key} (${v.behind.expected.netValueUsd}, cost ${v.behind.expected.costUsd})`,
  }));
  return {
    wrong,
    order,
    unscoredBeforeScored: { jira: unscoredEarly(jiraFlags), linear: unscoredEarly(linearFlags) },
    checked: {
      jiraInScope: jiraExpected.size,
      jiraScored: jiraRanked.length,
      linearInScope: linearExpected.size,
      linearScored: linearRanked.length,
      edited: editedAt.size,
    },
  };
}

/**
 * Linear's sort keys are positions: two keys a hair apart are two places (netvalue crowds moved
 * issues between close neighbours), so a sort key repeats the held one only when it is the same
 * number. Money compares within half a cent.
 */
const sameWrite = (w: WriteRecord, a: unknown, b: unknown) =>
  w.field === 'prioritySortOrder' ? a === b : close(a, b);

/** A sort key moved by floating-point noise only (a write that changed no position). */
const nudged = (w: WriteRecord) =>
  w.field === 'prioritySortOrder' &&
  typeof w.before === 'number' &&
  typeof w.sent === 'number' &&
  w.before !== w.sent &&
  Math.abs(w.before - w.sent) <= 1e-9 * Math.max(1, Math.abs(w.before), Math.abs(w.sent));

function writeReport() {
  const applied = writes.filter((w) => w.status < 300 && sameWrite(w, w.after, w.sent));
  const duplicates = applied
    .filter((w) => sameWrite(w, w.before, w.sent))
    .map((w) => ({ tracker: w.tracker, key: w.key, field: w.field, value: w.sent, atMs: w.atMs }));
  const outOfScope = applied.filter(
    (w) => w.outOfScopeForMs !== null && w.outOfScopeForMs > data.scopeGraceMs,
  );
  return {
    writesSent: writes.length,
    writesApplied: applied.length,
    duplicates,
    sortKeyNudges: applied.filter(nudged).length,
    outOfScopeWrites: outOfScope.map((w) => ({
      tracker: w.tracker,
      id: w.id,
      key: w.key,
      at: new Date(w.atMs).toISOString(),
      field: w.field,
      value: w.sent,
      leftScopeSecAgo: Math.round((w.outOfScopeForMs ?? 0) / 1000),
    })),
    outOfScopeWithinGrace: applied.filter((w) => !w.inScope).length - outOfScope.length,
    rankCalls: rankCalls.total,
    rankOutOfScope: rankCalls.outOfScopeIssues,
  };
}

// ---- protocol ----------------------------------------------------------------------------------

const methods: Record<string, (...args: never[]) => unknown> = {
  info: () => ({
    jiraUrl: jiraProxy.url,
    linearUrl: `${linearProxy.url}/graphql`,
    jiraEmail: jira.credentials.email,
    jiraApiToken: jira.credentials.apiToken,
  }),
  faultsOn: () => {
    jira.faults.setRandom({ ...SANDBOX_FAULTS, seed: data.seed + 11 });
    linear.faults.setRandom({ ...SANDBOX_FAULTS, seed: data.seed + 12 });
    jiraProxy.faults.setRandom({ ...PROXY_FAULTS, seed: data.seed + 13 });
    linearProxy.faults.setRandom({ ...PROXY_FAULTS, seed: data.seed + 14 });
  },
  faultsOff: () => {
    for (const f of injectors) f.clear();
  },
  startChaos: (url: string, editEveryMs: number, webhookEveryMs: number) => {
    serveUrl = url;
    every(editEveryMs, () => void edit());
    every(webhookEveryMs, webhookEvent);
  },
  stopChaos: async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    await Promise.all([...inFlight]);
    return { ...stats };
  },
  faults: () => faultCounts(),
  check: (onlyEdited: boolean) => check(onlyEdited),
  writeReport: () => writeReport(),
  close: async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    await Promise.all([jiraProxy.close(), linearProxy.close(), jira.close(), linear.close()]);
    setImmediate(() => process.exit(0));
  },
};

parentPort?.on('message', (msg: { id: number; method: string; args: unknown[] }) => {
  void (async () => {
    try {
      const fn = methods[msg.method];
      if (!fn) throw new Error(`unknown soak sandbox method ${msg.method}`);
      parentPort?.postMessage({ id: msg.id, result: await fn(...(msg.args as never[])) });
    } catch (err) {
      parentPort?.postMessage({
        id: msg.id,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
  })();
});
parentPort?.postMessage({ ready: true });
