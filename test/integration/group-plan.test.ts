/**
 * Syncs started together plan together, so unified rank positions see every tracker; a tracker
 * that writes no position plans as soon as its own pages are scored (src/pipeline/runs.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueSyncs } from '../../src/pipeline/runs.js';
import { startHarness, writeCounts, type Harness } from './pipeline-harness.js';
import { waitForRun } from './server-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('plans of syncs started together', () => {
  it('a tracker without unified positions (Linear) is planned and written while a slow pull of the other still runs', async () => {
    h = await startHarness({ jira: { issues: 20, seed: 91 }, linear: { issues: 12, seed: 92 } });
    // Jira's first page takes 3 s to come back; Jira writes unified positions, so it waits for
    // every tracker's scores, Linear's values and order depend on Linear's issues only.
    h.jira.faults.enqueueFor('search', { kind: 'latency', ms: 3000 });
    const [jiraRun, linearRun] = await enqueueSyncs(h.ctx, [
      { trackerId: 'acme-jira', full: true, dryRun: false },
      { trackerId: 'acme-linear', full: true, dryRun: false },
    ]);
    const jiraDone = waitForRun(h.ctx, jiraRun ?? '');

    const linear = await waitForRun(h.ctx, linearRun ?? '');

    expect(linear.failures).toEqual([]);
    expect(linear.written).toBeGreaterThan(0);
    expect(writeCounts(h).linearMutations).toBeGreaterThan(0);
    // Jira was still pulling: nothing of it is written yet.
    expect((await h.ctx.runs.summary(jiraRun ?? ''))?.status).toBe('running');
    expect(writeCounts(h).jiraEdits).toBe(0);
    const jira = await jiraDone;
    expect(jira.failures).toEqual([]);
    expect(jira.written).toBeGreaterThan(0);
    // Jira's positions count Linear's issues too: the last ranked one sits at the backlog's end.
    const ranking = await h.ctx.store.rankingAll();
    const positions = ranking
      .filter((r) => r.record.trackerId === 'acme-jira' && r.record.result.status === 'scored')
      .map((r) => [r.rank, r.record.desired.rankPosition]);
    expect(positions.length).toBeGreaterThan(5);
    for (const [rank, position] of positions) expect(position).toBe(rank);
  });
});
