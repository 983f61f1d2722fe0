/**
 * A restart with new scoring settings is one ordered piece of work: re-score, then the start-up
 * sync plans every tracker once, so each changed issue is written exactly once, with its final
 * net value and unified rank position (no "another job is writing this issue" races).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { createContext, createLogger, type AppContext } from '../../src/main.js';
import { rescoreIfSettingsChanged } from '../../src/pipeline/rescore.js';
import { startServing } from '../../src/pipeline/startup.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { startWorkers } from '../../workers/index.js';
import { linearUpdatedIds, startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Successful tracker writes per issue so far. */
function writesPerIssue(harness: Harness): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const e of harness.jira.log.entries)
    if (e.operation === 'edit' && e.status === 204) add(`jira:${e.path.split('/').pop() ?? ''}`);
  for (const e of harness.linear.log.entries)
    if (e.operation.startsWith('NetvalueIssueUpdate') && e.status === 200)
      for (const id of linearUpdatedIds(e.body)) add(`linear:${id}`);
  return counts;
}

/** Resolves when every run id is done (following run events, no polling). */
async function runsDone(ctx: AppContext, runIds: string[]): Promise<void> {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const check = async () => {
    const infos = await Promise.all(runIds.map((id) => ctx.runs.info(id)));
    if (infos.every((i) => i?.status === 'done')) resolve();
  };
  const events = await ctx.runs.subscribe((id) => {
    if (runIds.includes(id)) void check();
  });
  try {
    await check();
    await done;
  } finally {
    await events.close();
  }
}

describe('restart with new scoring settings', () => {
  it('writes each changed issue once, with its final value and rank position', async () => {
    h = await startHarness({ jira: { issues: 60, seed: 5 }, linear: { issues: 30, seed: 6 } });
    await rescoreIfSettingsChanged(h.ctx);
    const first = await runSync(h.ctx, {
      trackerIds: ['acme-jira', 'acme-linear'],
      full: false,
      dryRun: false,
    });
    expect(totals(first).failed).toBe(0);
    const before = writesPerIssue(h);
    await h.workers?.close();
    h.workers = null;

    // `serve` restarted with horizonMonths 3: every scored issue's net value changes.
    const config = ConfigSchema.parse({
      ...h.config,
      scoring: { ...h.config.scoring, horizonMonths: 3 },
    });
    const restarted = await createContext(config, {
      connectors: h.ctx.connectors,
      logger: createLogger({ logLevel: 'silent' }),
    });
    const restartAt = new Date().toISOString();
    const workers = startWorkers(restarted, { concurrency: 8 });
    try {
      const runIds = await startServing(restarted);
      await runsDone(restarted, runIds);
      const runs = await Promise.all(runIds.map((id) => restarted.runs.summary(id)));
      expect(runs.map((r) => r?.failed)).toEqual([0, 0]);
      const audit = (await restarted.audit.recent(1000)).filter((e) => e.at >= restartAt);
      expect(audit.length).toBeGreaterThan(0);
      expect(audit.every((e) => e.why === 'scoring settings changed' || e.field === 'rank')).toBe(
        true,
      );
    } finally {
      await workers.close();
      await restarted.close();
    }

    // Exactly one write per changed issue since the restart.
    const after = writesPerIssue(h);
    const sinceRestart = [...after].map(([id, n]) => [id, n - (before.get(id) ?? 0)] as const);
    const written = sinceRestart.filter(([, n]) => n > 0);
    expect(written.filter(([, n]) => n > 1)).toEqual([]);
    const inScope = h.jira.issues().filter((i) => i.status !== 'Done');
    const scoredJira = inScope.filter(
      (i) => typeof i.value === 'number' && typeof i.cost === 'number',
    );
    const changed = scoredJira.filter((i) => (i.value as number) * 3 !== (i.value as number));
    expect(written.filter(([id]) => id.startsWith('jira:')).length).toBeGreaterThanOrEqual(
      changed.length,
    );

    // Final values: net value with the new horizon, rank position = place in the unified ranking.
    const ranking = await h.ctx.store.rankingAll();
    const position = new Map(ranking.map((r) => [`${r.record.trackerId}:${r.record.id}`, r.rank]));
    for (const issue of scoredJira) {
      const view = h.jira.issue(issue.key);
      const expected =
        Math.round(((issue.value as number) * 3 - (issue.cost as number) * 50) * 100) / 100;
      expect([issue.key, view?.netValue]).toEqual([issue.key, expected]);
      expect([issue.key, view?.rankPosition]).toEqual([
        issue.key,
        position.get(`acme-jira:${issue.id}`),
      ]);
    }
  });
});
