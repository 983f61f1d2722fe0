import { afterEach, describe, expect, it } from 'vitest';
import { createContext, createLogger } from '../../src/main.js';
import { planAfterRescore, rescoreIfSettingsChanged } from '../../src/pipeline/rescore.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { startWorkers } from '../../workers/index.js';
import { linearUpdatedIds, startHarness, writeCounts, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const FIELDS = {
  value: 'Value ($/month)',
  cost: 'Cost (hours)',
  costUnit: 'hours',
  netValue: 'Net value',
};
const sync = (harness: Harness, options: { full?: boolean; dryRun?: boolean } = {}) =>
  runSync(harness.ctx, {
    trackerIds: ['acme-jira', 'acme-linear'],
    full: options.full ?? false,
    dryRun: options.dryRun ?? false,
  });

const jiraNet = (value: unknown, cost: unknown, rate = 50): number | null =>
  typeof value === 'number' && typeof cost === 'number'
    ? Math.round((value - cost * rate) * 100) / 100
    : null;

/** Successful tracker writes per issue (a duplicate write shows as a count above 1). */
function successfulWritesPerIssue(harness: Harness): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const e of harness.jira.log.entries) {
    if (e.operation === 'edit' && e.status === 204) add(`jira:${e.path.split('/').pop() ?? ''}`);
  }
  for (const e of harness.linear.log.entries) {
    if (e.operation.startsWith('NetvalueIssueUpdate') && e.status === 200) {
      for (const id of linearUpdatedIds(e.body)) add(`linear:${id}`);
    }
  }
  return counts;
}

describe('pipeline: changes, faults, dry runs, formula changes', () => {
  it("after one issue's Value changes, a sync writes it once and makes only the minimal rank moves", async () => {
    h = await startHarness({
      jira: { issues: 80, seed: 11 },
      linear: { issues: 60, seed: 12 },
      jiraTracker: { rank: true, fields: FIELDS },
    });
    expect(totals(await sync(h)).failed).toBe(0);
    const ranking = (await h.ctx.store.rankingAll()).map((r) => r.record);
    const jiraMiddle = ranking.filter(
      (r) => r.trackerId === 'acme-jira' && r.result.status === 'scored',
    )[20];
    const linearMiddle = ranking.filter(
      (r) => r.trackerId === 'acme-linear' && r.result.status === 'scored' && !r.pinned,
    )[15];
    if (!jiraMiddle || !linearMiddle) throw new Error('backlog too small');
    const before = writeCounts(h);
    const jiraRanksBefore = h.jira.log.entries.filter((e) => e.operation === 'rank').length;

    h.jira.editIssue(jiraMiddle.key, { value: 900_000 });
    h.linear.editIssue(linearMiddle.key, { valueLabel: '$900k' });
    const second = totals(await sync(h));

    expect(second).toMatchObject({ failed: 0, written: 2, moved: 2 });
    const after = writeCounts(h);
    expect(after.jiraEdits - before.jiraEdits).toBe(1);
    expect(h.jira.issue(jiraMiddle.key)?.netValue).toBe(
      jiraNet(900_000, h.jira.issue(jiraMiddle.key)?.cost),
    );
    // One rank call moving just that issue to the top.
    const rankCalls = h.jira.log.entries
      .filter((e) => e.operation === 'rank')
      .slice(jiraRanksBefore);
    expect(rankCalls.map((e) => (e.body as { issues: string[] }).issues)).toEqual([
      [jiraMiddle.id],
    ]);
    expect(h.jira.issuesInRankOrder().filter((i) => i.status !== 'Done')[0]?.key).toBe(
      jiraMiddle.key,
    );
    // Linear: one mutation (its new prioritySortOrder), and it now sorts first.
    expect(after.linearMutations - before.linearMutations).toBe(1);
    const linearOrder = h.linear.issues().sort((a, b) => a.prioritySortOrder - b.prioritySortOrder);
    expect(
      linearOrder.filter(
        (i) => i.teamKey !== 'DES' && i.stateType !== 'completed' && i.stateType !== 'canceled',
      )[0]?.identifier,
    ).toBe(linearMiddle.key);
  });

  it('ends right with 429 and 503 answered to a fifth of requests: no duplicate write, no failed job', async () => {
    h = await startHarness({
      jira: { issues: 50, seed: 21 },
      linear: { issues: 40, seed: 22 },
      jiraTracker: { rank: true },
    });
    for (const faults of [h.jira.faults, h.linear.faults]) {
      faults.setRandom({ rateLimitShare: 0.1, serverErrorShare: 0.1, retryAfterSec: 1, seed: 5 });
    }
    const summary = totals(await sync(h));
    expect(summary.failed).toBe(0);
    const injected = [...h.jira.log.entries, ...h.linear.log.entries].filter(
      (e) =>
        e.status === 429 ||
        e.status === 503 ||
        (e.status === 400 && e.operation.startsWith('Netvalue')),
    );
    expect(injected.length).toBeGreaterThan(5);
    for (const issue of h.jira.issues().filter((i) => i.status !== 'Done')) {
      expect([issue.key, issue.netValue ?? null]).toEqual([
        issue.key,
        jiraNet(issue.value, issue.cost),
      ]);
    }
    expect([...successfulWritesPerIssue(h).entries()].filter(([, n]) => n !== 1)).toEqual([]);
    for (const queue of h.ctx.queues.all()) expect(await queue.getFailedCount()).toBe(0);
  });

  it('--dry-run writes nothing and lists the same changes a real run then makes', async () => {
    h = await startHarness({
      jira: { issues: 40, seed: 31 },
      linear: { issues: 30, seed: 32 },
      jiraTracker: { rank: true },
    });
    const dry = await sync(h, { dryRun: true });
    expect(writeCounts(h)).toEqual({ jiraEdits: 0, jiraRanks: 0, linearMutations: 0 });
    const planned = (await Promise.all(dry.map((s) => h!.ctx.runs.changes(s.runId)))).flat();
    expect(planned.length).toBeGreaterThan(0);

    const real = await sync(h);
    expect(totals(real).failed).toBe(0);
    const audit = await h.ctx.audit.recent(10_000);
    const writtenKeys = new Set(
      audit.filter((e) => e.field !== 'rank').map((e) => `${e.trackerId} ${e.key}`),
    );
    const plannedKeys = new Set(
      planned.filter((l) => !l.includes(' rank: ')).map((l) => l.split(':')[0]),
    );
    expect([...writtenKeys].sort()).toEqual([...plannedKeys].sort());
    const plannedRankCalls = planned.filter((l) => l.includes(' rank: ')).length;
    expect(writeCounts(h).jiraRanks).toBe(plannedRankCalls);
  });

  it('re-scores everything and writes what changed when the scoring settings change', async () => {
    h = await startHarness({
      jira: { issues: 40, seed: 41 },
      linear: { issues: 10, seed: 42 },
      jiraTracker: { fields: FIELDS },
    });
    await rescoreIfSettingsChanged(h.ctx);
    expect(totals(await sync(h)).failed).toBe(0);
    const inScope = h.jira.issues().filter((i) => i.status !== 'Done');
    const changing = inScope.filter(
      (i) => typeof i.value === 'number' && typeof i.cost === 'number' && i.cost > 0,
    );
    const editsBefore = writeCounts(h).jiraEdits;

    // A restart with a new hourly rate: the stored results were made with the old one.
    const config = ConfigSchema.parse({
      ...h.config,
      scoring: { ...h.config.scoring, hourlyRateUsd: 80 },
    });
    const restarted = await createContext(config, {
      connectors: h.ctx.connectors,
      logger: createLogger({ logLevel: 'silent' }),
    });
    await h.workers?.close();
    try {
      const waitForWrites = h.jira.log.waitFor(
        (e) => e.operation === 'edit',
        editsBefore + changing.length,
      );
      // `netvalue worker` with new settings: re-score, then plan every tracker once.
      expect(await rescoreIfSettingsChanged(restarted)).toBe(true);
      await planAfterRescore(restarted);
      const workers = startWorkers(restarted, { concurrency: 4 });
      await waitForWrites;
      await workers.close();
    } finally {
      await restarted.close();
    }
    h.workers = null;
    for (const issue of inScope)
      expect([issue.key, h.jira.issue(issue.key)?.netValue ?? null]).toEqual([
        issue.key,
        jiraNet(issue.value, issue.cost, 80),
      ]);
    expect(writeCounts(h).jiraEdits - editsBefore).toBe(changing.length);
  });
});
