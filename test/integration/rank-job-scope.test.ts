/**
 * A rank job runs after its plan (behind other jobs, or retried with backoff). Issues that left
 * the scope in between must not be moved, and a batch placed against an anchor that left is not
 * sent: the soak saw thousands of rank moves of issues that had left the scope minutes before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { JOB } from '../../src/queues.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { startHarness, trackerQueueEvents, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let queueEvents: Awaited<ReturnType<typeof trackerQueueEvents>> | null = null;
afterAll(async () => {
  await queueEvents?.close();
  await h?.close();
});

describe('a rank job whose issues left the scope after it was planned', () => {
  it('moves only the issues still held, and skips a batch whose anchor left', async () => {
    h = await startHarness({
      jira: { issues: 30, seed: 61 },
      linear: { issues: 2, seed: 62 },
      jiraTracker: { rank: true },
    });
    expect(
      totals(await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false })).failed,
    ).toBe(0);
    const held = await h.ctx.store.all('acme-jira');
    const [a, b, c, leaver, anchorLeaver] = held as [
      IssueRecord,
      IssueRecord,
      IssueRecord,
      IssueRecord,
      IssueRecord,
    ];
    // Two issues leave the scope; the leaver check forgets them (workers/sync.ts).
    for (const gone of [leaver, anchorLeaver]) {
      h.jira.editIssue(gone.key, { status: 'Done' });
      await h.ctx.store.remove(gone);
    }
    const queue = h.ctx.queues.tracker('acme-jira');
    queueEvents = await trackerQueueEvents(h, 'acme-jira');
    const { events } = queueEvents;
    const rankCalls = () =>
      (h?.jira.log.entries ?? []).filter((e) => e.operation === 'rank' && e.status < 300);
    const callsBefore = rankCalls().length;

    const job = await queue.add(JOB.rank, {
      trackerId: 'acme-jira',
      runId: null,
      batches: [
        { ids: [leaver.id, a.id], after: b.id },
        { ids: [c.id], after: anchorLeaver.id },
      ],
      newRanks: {},
    });
    await job.waitUntilFinished(events, 30_000);

    const calls = rankCalls().slice(callsBefore);
    expect(calls.map((e) => e.body)).toEqual([
      { issues: [a.id], rankAfterIssue: b.id, rankCustomFieldId: 10019 },
    ]);
    const byKey = new Map(h.jira.issuesInRankOrder().map((i, index) => [i.id, index]));
    expect(byKey.get(a.id)).toBe((byKey.get(b.id) ?? -2) + 1);
  });
});
