/**
 * Jira renumbers rank values without touching `updated` (rank rebalancing, other tools' moves):
 * an incremental sync then holds a mix of old and new rank strings. The plan must not trust that
 * mix: an unchanged board gets zero rank calls however its rank values were rewritten.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { SyncStartData } from '../../src/queues.js';
import { processSyncStart } from '../../workers/sync.js';
import { startHarness, writeCounts, type Harness } from './pipeline-harness.js';
import { waitForRun } from './server-harness.js';

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

  it('reads the board before moving issues in a full run while a rank call of ours landed', async () => {
    // A full pull reads its pages over seconds while an earlier plan's rank calls land, and a page
    // older than what is stored (a webhook's newer snapshot) keeps the stored rank: the run's
    // ranks are a mix. The soak saw full runs move the same issues again every second for a minute.
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
    const boardReadsBefore = boardReads(h);
    // The pull's page is held a moment, and a rank call of ours is answered meanwhile.
    h.jira.faults.enqueueFor('search', { kind: 'latency', ms: 300 });
    const done = waitForRun(h.ctx, 'acme-jira-full');

    const data = { trackerId: 'acme-jira', runId: 'acme-jira-full', full: true };
    await processSyncStart(h.ctx, SyncStartData.parse(data));
    await h.ctx.locks.noteRankCall('acme-jira');

    const summary = await done;
    expect(summary.failed).toBe(0);
    expect(boardReads(h) - boardReadsBefore).toBe(1);
    expect(summary.moved).toBe(0);
    expect(writeCounts(h).jiraRanks - ranksBefore).toBe(0);
  });

  it('trusts the ranks a full pull read when no rank call of ours landed during it', async () => {
    // A first sync of a board in no particular order: the pull has just read every rank.
    h = await startHarness({
      jira: { issues: 60, seed: 25 },
      linear: { issues: 4, seed: 26 },
      jiraTracker: { rank: true },
    });
    const first = await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    expect(totals(first).failed).toBe(0);
    expect(first[0]?.moved).toBeGreaterThan(0);
    // No second read of the board: the moves were planned on the pulled ranks...
    expect(boardReads(h)).toBe(0);
    // (every rank call was counted, for the next full run to know the board moved under it)
    expect(await h.ctx.locks.rankCalls('acme-jira')).toBe(writeCounts(h).jiraRanks);
    // ...and they were right: the board is in ranking order, and a full run moves nothing more.
    const ranking = (await h.ctx.store.rankingAll())
      .map((r) => r.record)
      .filter((r) => r.trackerId === 'acme-jira' && typeof r.rank === 'string')
      .map((r) => r.id);
    const onBoard = new Set(ranking);
    expect(
      h.jira
        .issuesInRankOrder()
        .map((i) => i.id)
        .filter((id) => onBoard.has(id)),
    ).toEqual(ranking);
    const again = await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    expect(again[0]?.moved).toBe(0);
  });
});

/** Reads of the board's current ranks: the rank-only search (connectors/jira/current-ranks.ts). */
function boardReads(harness: Harness): number {
  return harness.jira.log.count(
    (e) => e.operation === 'search' && (e.body as { maxResults?: number }).maxResults === 5000,
  );
}
