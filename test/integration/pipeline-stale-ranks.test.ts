/**
 * Jira renumbers rank values without touching `updated` (rank rebalancing, other tools' moves):
 * an incremental sync then holds a mix of old and new rank strings. The plan must not trust that
 * mix: an unchanged board gets zero rank calls however its rank values were rewritten.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { startHarness, writeCounts, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sync = (harness: Harness) =>
  runSync(harness.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full: false, dryRun: false });

describe('board order after the tracker renumbered its ranks', () => {
  it('sends no rank call for a board already in order', async () => {
    // The sandbox's clock runs two hours behind until the edits below, so what netvalue writes
    // now is older than the incremental sync's overlap window later on.
    let offsetMs = -2 * 3600_000;
    h = await startHarness({
      jira: { issues: 80, seed: 21, now: () => Date.now() + offsetMs },
      linear: { issues: 10, seed: 22 },
      jiraTracker: { rank: true },
    });
    expect(totals(await sync(h)).failed).toBe(0);
    // The board is now in ranking order; a second sync confirms nothing moves.
    expect(totals(await sync(h)).moved).toBe(0);
    const ranksBefore = writeCounts(h).jiraRanks;

    // Jira rebalances every rank value (same order), then people edit 20 issues' titles: the
    // next incremental sync re-reads those 20 with new-style ranks, the rest keep old ones.
    offsetMs = 0;
    expect(h.jira.rebalanceRanks()).toBeGreaterThan(0);
    const open = h.jira.issues().filter((i) => i.status !== 'Done');
    for (const issue of open.slice(0, 40).filter((_, i) => i % 2 === 0))
      h.jira.editIssue(issue.key, { summary: `${issue.summary} (edited)` });

    const third = await sync(h);
    // Only the edited issues were re-read: the stored ranks really were a mix.
    expect(third.find((s) => s.trackerId === 'acme-jira')?.pulled).toBe(20);
    expect(totals(third).failed).toBe(0);
    expect(writeCounts(h).jiraRanks - ranksBefore).toBe(0);
    expect(third.find((s) => s.trackerId === 'acme-jira')?.moved).toBe(0);
  });

  it('reads the board before moving issues even in a full run, whose pages are not all current', async () => {
    // A full pull reads its pages over seconds while rank calls land, and a page older than what
    // is stored (a webhook's newer snapshot) keeps the stored rank: the run's ranks are a mix. The
    // soak saw full runs move the same issues again every second for a minute.
    h = await startHarness({
      jira: { issues: 40, seed: 23 },
      linear: { issues: 4, seed: 24 },
      jiraTracker: { rank: true },
    });
    expect(totals(await sync(h)).failed).toBe(0);
    expect(totals(await sync(h)).moved).toBe(0);
    // The stored record of one issue is newer than the pages the next pull reads, and its stored
    // rank says it sits at the bottom of the board (the board itself is in order).
    const records = await h.ctx.store.all('acme-jira');
    const first = records.find((r) => typeof r.rank === 'string' && r.result.status === 'scored');
    if (!first) throw new Error('no ranked Jira issue');
    const newer = new Date(Date.now() + 3_600_000).toISOString();
    await h.ctx.store.putMany([{ ...first, updatedAt: newer, rank: '9|zzzzzz:' }], [first.member]);
    const ranksBefore = writeCounts(h).jiraRanks;

    const full = await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    expect(totals(full).failed).toBe(0);
    expect(full[0]?.moved).toBe(0);
    expect(writeCounts(h).jiraRanks - ranksBefore).toBe(0);
  });
});
