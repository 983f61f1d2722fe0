/**
 * Real rate limits, used well (`npm run bench -- --only limits`): the sandboxes enforce budgets
 * like Jira Cloud and Linear, scaled down in time (an hour lasts 2 s), and netvalue runs against
 * them with its whole pipeline (queues, Redis, workers).
 *
 * - budgetUsePct: during a full sync that needs several windows' budget, the requests the
 *   sandboxes accepted in the windows wholly inside the sync, as a share of what those windows
 *   allowed (both trackers together).
 * - rejectionsPer1k: 429s (Jira) and RATELIMITED answers (Linear) per 1,000 requests in that sync.
 * - retryAfterOvershootPct: for each 429 (Jira edits and pages, Linear pages and writes, injected
 *   with Retry-After 1 s or a reset 1 s ahead), how much later than asked the next request
 *   reached the tracker, as a share of the wait asked; the median.
 * - linearComplexityPerIssue: complexity points (X-Complexity, computed as Linear does) of a full
 *   pull, label follow-ups included, per issue pulled.
 * - rereadAfterWritePct: issues the incremental sync right after a full sync re-read, among
 *   those the full sync wrote (people's edits in between, which it must read, excluded).
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import type { Connector } from '../connectors/connector.js';
import { startJiraSandbox, type JiraSandboxOptions } from '../connectors/jira/sandbox/index.js';
import { LinearTrackerConfig } from '../connectors/linear/config.js';
import { linearModule } from '../connectors/linear/index.js';
import {
  startLinearSandbox,
  type LinearSandbox,
  type LinearSandboxOptions,
} from '../connectors/linear/sandbox/index.js';
import { pullAll } from '../connectors/pull-all.js';
import type { LoggedRequest } from '../connectors/sandbox-kit/index.js';
import { ConfigSchema } from '../src/config/schema.js';
import { createContext, createLogger, type AppContext } from '../src/main.js';
import { runSync, totals } from '../src/pipeline/sync-run.js';
import { deleteKeysWithPrefix } from '../src/store/cleanup.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';
import { median, round } from './stats.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** An hour of the trackers' budgets lasts 2 s. */
export const TIME_SCALE = 1800;
const JIRA = 'limits-jira';
const LINEAR = 'limits-linear';

export interface LimitsResult {
  budgetUsePct: number;
  retryAfterOvershootPct: number;
  rejectionsPer1k: number;
  linearComplexityPerIssue: number;
  rereadAfterWritePct: number;
  /** Details behind the figures. */
  detail: Record<string, number>;
}

interface Deployment {
  ctx: AppContext;
  workers: RunningWorkers;
  jira: Awaited<ReturnType<typeof startJiraSandbox>>;
  linear: LinearSandbox;
  close(): Promise<void>;
}

/** Both sandboxes, a private Redis prefix, a context and workers. */
export async function startLimitsDeployment(
  jiraOptions: JiraSandboxOptions,
  linearOptions: LinearSandboxOptions,
  trackers: { jira?: Record<string, unknown>; linear?: Record<string, unknown> } = {},
): Promise<Deployment> {
  const [jira, linear] = await Promise.all([
    startJiraSandbox(jiraOptions),
    startLinearSandbox(linearOptions),
  ]);
  const prefix = `bench-limits-${randomUUID().slice(0, 8)}`;
  const config = ConfigSchema.parse({
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    adminToken: 'bench-admin-token-0123456789abcdef0123456789',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0 },
    sync: { rankSettleMs: 100 },
    trackers: [
      { ...jira.trackerConfig(), id: JIRA, writesPerSec: 1000, ...trackers.jira },
      { ...linear.trackerConfig(), id: LINEAR, writesPerSec: 1000, ...trackers.linear },
    ],
  });
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  const ctx = await createContext(config, {
    logger: createLogger(config, quiet),
    coalesce: 'turn', // runs the workers, as `sync` does
  });
  const workers = startWorkers(ctx, { concurrency: 8 });
  return {
    ctx,
    workers,
    jira,
    linear,
    async close() {
      await workers.close();
      await ctx.close();
      const redis = new Redis(REDIS_URL);
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
      await Promise.all([jira.close(), linear.close()]);
    },
  };
}

interface Tally {
  startMs: number;
  accepted: number;
  rejected: number;
}

/** Accepted / allowed over the windows wholly inside [fromMs, toMs]. */
function windowUse(
  windows: readonly Tally[],
  windowMs: number,
  limit: number,
  fromMs: number,
  toMs: number,
) {
  const inside = windows.filter((w) => w.startMs >= fromMs && w.startMs + windowMs <= toMs);
  return { accepted: inside.reduce((n, w) => n + w.accepted, 0), allowed: inside.length * limit };
}

/** A full sync of both trackers against small enforced budgets: use of the budget, and 429s. */
export async function benchBudgetUse(
  jiraIssues = 400,
  linearIssues = 1500,
): Promise<{ budgetUsePct: number; rejectionsPer1k: number; detail: Record<string, number> }> {
  const jiraLimit = 60; // requests per 2 s window: 30 per second
  const linearLimit = 12; // requests per 2 s window: 6 per second
  const d = await startLimitsDeployment(
    {
      issues: jiraIssues,
      seed: 301,
      rateLimit: { limit: jiraLimit, enforce: true, timeScale: TIME_SCALE },
    },
    { issues: linearIssues, seed: 302, requestsPerHour: linearLimit, timeScale: TIME_SCALE },
  );
  try {
    const startMs = Date.now();
    const summary = totals(
      await runSync(d.ctx, { trackerIds: [JIRA, LINEAR], full: true, dryRun: false }),
    );
    const endMs = Date.now();
    if (summary.failed > 0) {
      throw new Error(`limits sync failed: ${JSON.stringify(summary.failures.slice(0, 3))}`);
    }
    const jiraBudget = d.jira.budget;
    if (!jiraBudget) throw new Error('the Jira sandbox has no budget');
    // A tracker's use is counted while it had work: up to the window of its last request, where
    // its work ran out (Jira's 400 issues are done well before Linear's 1,500; counting Jira's
    // last, part-used window as unused budget put its use at 75 % while every window before it
    // was used to the reserve). Windows without a request (the group plan waiting for the other
    // tracker's pull) have no record and count for nothing either way.
    const untilLast = (windows: readonly Tally[]) =>
      Math.min(endMs, windows.at(-1)?.startMs ?? endMs);
    const jira = windowUse(
      jiraBudget.windows,
      jiraBudget.windowMs,
      jiraLimit,
      startMs,
      untilLast(jiraBudget.windows),
    );
    const linear = windowUse(
      d.linear.rate.windows,
      d.linear.rate.windowMs,
      linearLimit,
      startMs,
      untilLast(d.linear.rate.windows),
    );
    const wholeJira = windowUse(jiraBudget.windows, jiraBudget.windowMs, jiraLimit, startMs, endMs);
    const wholeLinear = windowUse(
      d.linear.rate.windows,
      d.linear.rate.windowMs,
      linearLimit,
      startMs,
      endMs,
    );
    const during = <T extends Tally>(windows: readonly T[]) =>
      windows.filter((w) => w.startMs + TIME_SCALE_WINDOW_MS > startMs && w.startMs < endMs);
    const all = [...during(jiraBudget.windows), ...during(d.linear.rate.windows)];
    const requests = all.reduce((n, w) => n + w.accepted + w.rejected, 0);
    const rejected = all.reduce((n, w) => n + w.rejected, 0);
    const allowed = jira.allowed + linear.allowed;
    return {
      budgetUsePct:
        allowed === 0 ? NaN : round((100 * (jira.accepted + linear.accepted)) / allowed, 1),
      rejectionsPer1k: requests === 0 ? 0 : round((1000 * rejected) / requests, 1),
      detail: {
        syncMs: endMs - startMs,
        jiraBudgetUsePct: jira.allowed === 0 ? NaN : round((100 * jira.accepted) / jira.allowed, 1),
        linearBudgetUsePct:
          linear.allowed === 0 ? NaN : round((100 * linear.accepted) / linear.allowed, 1),
        // The same over every window inside the sync, the last part-used ones included.
        wholeSyncPct: round(
          (100 * (wholeJira.accepted + wholeLinear.accepted)) /
            (wholeJira.allowed + wholeLinear.allowed),
          1,
        ),
        requests,
        rejected,
        written: summary.written,
      },
    };
  } finally {
    await d.close();
  }
}

const TIME_SCALE_WINDOW_MS = 3_600_000 / TIME_SCALE;

/**
 * The next request after each rate-limit answer, against the wait asked: Jira 429s with
 * Retry-After 1 s on edits and on a search page, Linear RATELIMITED answers with a reset 1 s ahead
 * on a page and on a write.
 */
export async function benchRetryAfter(): Promise<{ overshootPct: number; samples: number[] }> {
  const d = await startLimitsDeployment(
    { issues: 400, seed: 311 },
    { issues: 600, seed: 312 },
    { jira: { writesPerSec: 20 }, linear: { writesPerSec: 20 } },
  );
  const waitMs = 1000;
  const fault = { kind: 'rate_limit', retryAfterSec: waitMs / 1000 } as const;
  try {
    // Spaced out so each 429's pause is over before the next one is due.
    void d.jira.log
      .waitFor((e) => e.operation === 'search', 1)
      .then(() => {
        d.jira.faults.enqueueFor('search', fault);
      });
    for (const after of [40, 100, 160, 220, 280]) {
      void d.jira.log
        .waitFor((e) => e.operation === 'edit', after)
        .then(() => d.jira.faults.enqueueFor('edit', fault));
    }
    void d.linear.log
      .waitFor((e) => e.operation === 'NetvalueIssues', 2)
      .then(() => d.linear.faults.enqueue(fault));
    void d.linear.log
      .waitFor((e) => e.operation === 'NetvalueIssueUpdates', 3)
      .then(() => d.linear.faults.enqueue(fault));
    const summary = totals(
      await runSync(d.ctx, { trackerIds: [JIRA, LINEAR], full: true, dryRun: false }),
    );
    if (summary.failed > 0) {
      throw new Error(`retry-after sync failed: ${JSON.stringify(summary.failures.slice(0, 3))}`);
    }
    const samples = [
      ...overshoots(d.jira.log.entries, (e) => e.status === 429, waitMs),
      // Linear answers a rate limit with HTTP 400 (RATELIMITED); nothing else here is a 400.
      ...overshoots(d.linear.log.entries, (e) => e.status === 400, waitMs),
    ];
    return { overshootPct: round(median(samples), 1), samples: samples.map((s) => round(s, 1)) };
  } finally {
    await d.close();
  }
}

const IN_FLIGHT_MS = 50;

/** Extra wait beyond `waitMs` (as % of it) before the next request after each limited answer. */
function overshoots(
  entries: readonly LoggedRequest[],
  limited: (e: LoggedRequest) => boolean,
  waitMs: number,
): number[] {
  const out: number[] = [];
  entries.forEach((e, i) => {
    if (!limited(e)) return;
    // Requests answered within IN_FLIGHT_MS of the refusal were sent before it arrived.
    const next = entries.slice(i + 1).find((n) => n.atMs >= e.atMs + IN_FLIGHT_MS);
    if (next) out.push((100 * (next.atMs - e.atMs - waitMs)) / waitMs);
  });
  return out;
}

/** Complexity per issue of a full Linear pull (page queries and label follow-ups). */
export async function benchLinearComplexity(
  issues = 1000,
): Promise<{ perIssue: number; pulled: number; followUps: number }> {
  const sandbox = await startLinearSandbox({ issues, seed: 321 });
  try {
    // A few issues carry more labels than a page holds: their labels come in follow-ups.
    for (const issue of sandbox.issues().slice(0, 5)) {
      sandbox.editIssue(issue.identifier, {
        labels: Array.from({ length: 15 }, (_, i) => `tag-${i}`),
      });
    }
    const config = LinearTrackerConfig.parse(
      sandbox.trackerConfig({ teams: ['ENG', 'OPS', 'DES'] }),
    );
    const connector: Connector = await linearModule.create(config, {
      publicUrl: 'http://netvalue.test:3000',
    });
    const before = new Map(sandbox.rate.usage);
    const pulled = await pullAll(connector);
    const spent = (op: string) =>
      (sandbox.rate.usage.get(op)?.complexity ?? 0) - (before.get(op)?.complexity ?? 0);
    const points = spent('NetvalueIssues') + spent('NetvalueIssueLabels');
    return {
      perIssue: round(points / pulled.issues.length, 1),
      pulled: pulled.issues.length,
      followUps: sandbox.rate.usage.get('NetvalueIssueLabels')?.requests ?? 0,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * A full sync writes most issues; people then edit a few of them; the next incremental sync
 * should read those and none of the others it wrote.
 */
export async function benchRereadAfterWrite(
  issues = 1000,
): Promise<{ pct: number; written: number; reread: number; humanEdits: number }> {
  const d = await startLimitsDeployment(
    { issues: 10, seed: 331 },
    { issues, seed: 332 },
    { linear: { writeBack: { prioritySortOrder: true, priority: true } } },
  );
  try {
    const first = totals(await runSync(d.ctx, { trackerIds: [LINEAR], full: true, dryRun: false }));
    const writtenIds = new Set(
      d.linear.workspace.issues
        .filter((i) => i.activity.some((a) => a.userId === d.linear.workspace.viewer.id))
        .map((i) => i.id),
    );
    // People edit 10 of the issues netvalue just wrote: those must be read.
    const edited = d.linear.workspace.issues.filter((i) => writtenIds.has(i.id)).slice(0, 10);
    for (const issue of edited) {
      d.linear.editIssue(d.linear.workspace.identifier(issue), { estimate: 21 });
    }
    const next = totals(await runSync(d.ctx, { trackerIds: [LINEAR], full: false, dryRun: false }));
    const stored = await d.ctx.store.getMany(
      LINEAR,
      edited.map((i) => i.id),
    );
    const seen = stored.filter((r) => r?.inputs.cost === 21).length;
    if (seen !== edited.length) {
      throw new Error(`the incremental sync missed ${edited.length - seen} of the people's edits`);
    }
    const reread = Math.max(0, next.pulled - edited.length);
    return {
      pct: writtenIds.size === 0 ? NaN : round((100 * reread) / writtenIds.size, 1),
      written: Math.max(first.written, writtenIds.size),
      reread,
      humanEdits: edited.length,
    };
  } finally {
    await d.close();
  }
}

export async function benchLimits(): Promise<LimitsResult> {
  const complexity = await benchLinearComplexity();
  const reread = await benchRereadAfterWrite();
  const budget = await benchBudgetUse();
  const retry = await benchRetryAfter();
  return {
    budgetUsePct: budget.budgetUsePct,
    retryAfterOvershootPct: retry.overshootPct,
    rejectionsPer1k: budget.rejectionsPer1k,
    linearComplexityPerIssue: complexity.perIssue,
    rereadAfterWritePct: reread.pct,
    detail: {
      ...budget.detail,
      retryAfterSamples: retry.samples.length,
      linearIssuesPulled: complexity.pulled,
      linearLabelFollowUps: complexity.followUps,
      linearWritten: reread.written,
      linearReread: reread.reread,
      linearHumanEdits: reread.humanEdits,
    },
  };
}
