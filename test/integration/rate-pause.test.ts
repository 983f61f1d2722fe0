/**
 * A 429 pauses the tracker in Redis for exactly its Retry-After: calls already booked or under
 * way in every process stop, and the next call reaches the tracker right after the pause (measured
 * with the sandbox's request log, whose `atMs` is when the sandbox answered).
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../../connectors/sandbox-kit/index.js';
import { createContext, createLogger, type AppContext } from '../../src/main.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { processScoreIssue } from '../../workers/score.js';
import { ScoreIssueData } from '../../src/queues.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let second: { ctx: AppContext; workers: RunningWorkers } | null = null;
afterEach(async () => {
  await second?.workers.close();
  await second?.ctx.close();
  second = null;
  await h?.close();
  h = null;
});

const RETRY_AFTER_MS = 1000;
const jiraCall = (e: LoggedRequest) => e.operation === 'edit' || e.operation === 'rank';

/** Starts a second deployment process (its own Redis connections and workers) on the same prefix. */
async function startSecondProcess(harness: Harness): Promise<void> {
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  const ctx = await createContext(harness.config, { logger: createLogger(harness.config, quiet) });
  second = { ctx, workers: startWorkers(ctx, { concurrency: 8 }) };
}

/** The 429 answered, and the tracker calls the sandbox answered after it. */
function aroundThe429(harness: Harness, operation: string) {
  const calls = harness.jira.log.entries.filter(jiraCall);
  const limited = calls.find((e) => e.operation === operation && e.status === 429);
  if (!limited) throw new Error(`no 429 on ${operation}`);
  const after = calls.filter((e) => e.atMs > limited.atMs);
  return {
    limited,
    inPause: after.filter((e) => e.atMs < limited.atMs + RETRY_AFTER_MS),
    nextAfterMs: (after[0]?.atMs ?? Infinity) - limited.atMs,
  };
}

const netOf = (value: unknown, cost: unknown): number | null =>
  typeof value === 'number' && typeof cost === 'number'
    ? Math.round((value - cost * 50) * 100) / 100
    : null;

function expectJiraRight(harness: Harness): void {
  const wrong = harness.jira
    .issues()
    .filter((i) => i.status !== 'Done' && (i.netValue ?? null) !== netOf(i.value, i.cost));
  expect(wrong.map((i) => i.key)).toEqual([]);
  const perIssue = new Map<string, number>();
  for (const e of harness.jira.log.entries)
    if (e.operation === 'edit' && e.status === 204)
      perIssue.set(e.path, (perIssue.get(e.path) ?? 0) + 1);
  expect([...perIssue].filter(([, n]) => n !== 1)).toEqual([]);
}

async function syncWithA429OnEdit(harness: Harness, afterEdits: number) {
  void harness.jira.log
    .waitFor((e) => e.operation === 'edit', afterEdits)
    .then(() =>
      harness.jira.faults.enqueueFor('edit', {
        kind: 'rate_limit',
        retryAfterSec: RETRY_AFTER_MS / 1000,
      }),
    );
  return totals(
    await runSync(harness.ctx, { trackerIds: ['acme-jira'], full: false, dryRun: false }),
  );
}

describe('429 pause in Redis', () => {
  it('stops every write for exactly Retry-After, then the next edit comes within 1.0-1.3 s', async () => {
    h = await startHarness({
      jira: { issues: 80, seed: 71 },
      linear: { issues: 5, seed: 72 },
      jiraTracker: { writesPerSec: 20 },
    });
    const summary = await syncWithA429OnEdit(h, 15);
    expect(summary.failed).toBe(0);
    const { inPause, nextAfterMs, limited } = aroundThe429(h, 'edit');
    expect(inPause).toEqual([]);
    expect(nextAfterMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
    expect(nextAfterMs).toBeLessThanOrEqual(1300);
    // The refused edit went again (once), and every value is right.
    expect(
      h.jira.log.count((e) => e.path === limited.path && e.status === 204 && e.atMs > limited.atMs),
    ).toBe(1);
    expectJiraRight(h);
    expect(summary.written).toBe(
      h.jira.log.count((e) => e.operation === 'edit' && e.status === 204),
    );
  });

  it('holds across two worker processes: no edit from either during the pause', async () => {
    h = await startHarness({
      jira: { issues: 300, seed: 73 },
      linear: { issues: 5, seed: 74 },
      jiraTracker: { writesPerSec: 25 },
    });
    await startSecondProcess(h);
    const summary = await syncWithA429OnEdit(h, 60);
    expect(summary.failed).toBe(0);
    const { inPause, nextAfterMs } = aroundThe429(h, 'edit');
    expect(inPause).toEqual([]);
    expect(nextAfterMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
    expect(nextAfterMs).toBeLessThanOrEqual(1300);
    expectJiraRight(h);
    // Both processes wrote (each holds a share of the write jobs).
    expect(second?.ctx.connectors.get('acme-jira')?.requestCounts().writes).toBeGreaterThan(0);
    expect(h.ctx.connectors.get('acme-jira')?.requestCounts().writes).toBeGreaterThan(0);
  });

  it('a 429 on a rank step pauses rank steps and writes alike, and the step goes again after it', async () => {
    h = await startHarness({
      jira: { issues: 120, seed: 75 },
      linear: { issues: 5, seed: 76 },
      jiraTracker: { writesPerSec: 20, rank: true },
    });
    await startSecondProcess(h);
    h.jira.faults.enqueueFor('rank', { kind: 'rate_limit', retryAfterSec: RETRY_AFTER_MS / 1000 });
    const summary = totals(
      await runSync(h.ctx, { trackerIds: ['acme-jira'], full: false, dryRun: false }),
    );
    expect(summary.failed).toBe(0);
    const { inPause, nextAfterMs, limited } = aroundThe429(h, 'rank');
    expect(inPause).toEqual([]);
    expect(nextAfterMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
    expect(nextAfterMs).toBeLessThanOrEqual(1300);
    // The refused step was sent again with the same issues, and the board ends in order.
    const again = h.jira.log.entries.find(
      (e) => e.operation === 'rank' && e.atMs > limited.atMs && e.status < 300,
    );
    expect(again?.body).toEqual(limited.body);
    expectJiraRight(h);
  });

  it("holds a webhook's read of the issue until the pause ends (a read sent during it met another 429)", async () => {
    h = await startHarness({ jira: { issues: 10, seed: 91 }, linear: { issues: 2, seed: 92 } });
    expect(
      totals(await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false })).failed,
    ).toBe(0);
    const [issue] = await h.ctx.store.all('acme-jira');
    if (!issue) throw new Error('nothing synced');
    const pauseEnds = Date.now() + RETRY_AFTER_MS;
    await h.ctx.limiter.pause('acme-jira', pauseEnds);
    const before = h.jira.log.entries.length;

    // No snapshot came with the webhook: the score job reads the issue from Jira.
    await processScoreIssue(
      h.ctx,
      ScoreIssueData.parse({ trackerId: 'acme-jira', issueId: issue.id }),
      { id: 'score-in-test' },
    );

    const reads = h.jira.log.entries.slice(before);
    expect(reads.length).toBeGreaterThan(0);
    expect(Math.min(...reads.map((e) => e.atMs))).toBeGreaterThanOrEqual(pauseEnds);
  });
});
