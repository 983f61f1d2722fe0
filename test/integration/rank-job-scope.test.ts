/**
 * A rank job runs after its plan (behind other jobs, or retried with backoff). Issues that left
 * the scope in between must not be moved, and a batch placed against an anchor that left is not
 * sent: the soak saw thousands of rank moves of issues that had left the scope minutes before.
 * And a plan made meanwhile covers the job's moves: the older job stops rather than send them too.
 */
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { processPlan } from '../../workers/plan.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { JOB, type RankData } from '../../src/queues.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { startHarness, trackerQueueEvents, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let queueEvents: Awaited<ReturnType<typeof trackerQueueEvents>> | null = null;
afterEach(async () => {
  await queueEvents?.close();
  await h?.close();
  queueEvents = null;
  h = null;
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

describe('rank jobs of two plans made before either ran', () => {
  it('sends the moves once: the older job stops, the newer one orders the board', async () => {
    h = await startHarness({
      jira: { issues: 60, seed: 63 },
      linear: { issues: 2, seed: 64 },
      jiraTracker: { rank: true },
    });
    const ctx = h.ctx;
    // A dry run stores the issues and moves nothing: the board keeps the sandbox's own order.
    const dry = await runSync(ctx, { trackerIds: ['acme-jira'], full: true, dryRun: true });
    expect(totals(dry).failed).toBe(0);
    await ctx.meta.setWatermark('acme-jira', new Date().toISOString()); // a sync has finished
    const queue = ctx.queues.tracker('acme-jira');
    queueEvents = await trackerQueueEvents(h, 'acme-jira');
    const rankCalls = () =>
      (h?.jira.log.entries ?? []).filter((e) => e.operation === 'rank' && e.status < 300).length;
    const callsBefore = rankCalls();

    // Two plans (a sync's, then a webhook's) before the tracker's queue runs either rank job.
    await queue.pause();
    const plan = { trackerId: 'acme-jira', runId: null, rescore: false };
    await processPlan(ctx, plan, { id: 'first' } as Job);
    await processPlan(ctx, plan, { id: 'second' } as Job);
    const jobs = (await queue.getJobs(['prioritized', 'waiting'])).filter(
      (j) => j.name === JOB.rank,
    );
    expect(jobs.map((j) => j.id).sort()).toEqual(['plan-first-rank', 'plan-second-rank']);
    const [older, newer] = ['plan-first-rank', 'plan-second-rank'].map(
      (id) => jobs.find((j) => j.id === id)?.data as RankData,
    ) as [RankData, RankData];
    // Both plans read the same board: the same moves, a real chance to send them twice.
    expect(newer.batches.length).toBeGreaterThan(3);
    expect(newer.batches).toEqual(older.batches);
    expect(newer.generation).toBe((older.generation ?? 0) + 1);

    await queue.resume();
    await Promise.all(jobs.map((j) => j.waitUntilFinished(queueEvents!.events, 30_000)));
    expect(rankCalls() - callsBefore).toBe(newer.batches.length);

    // The board is in ranking order: a third plan moves nothing.
    await processPlan(ctx, plan, { id: 'third' } as Job);
    const more = (await queue.getJobs(['prioritized', 'waiting', 'active'])).filter(
      (j) => j.name === JOB.rank,
    );
    expect(more).toEqual([]);
    expect(rankCalls() - callsBefore).toBe(newer.batches.length);
  });

  it('still sends a job without a generation (an approved review plan, an older worker)', async () => {
    h = await startHarness({
      jira: { issues: 20, seed: 65 },
      linear: { issues: 2, seed: 66 },
      jiraTracker: { rank: true },
    });
    const ctx = h.ctx;
    expect(
      totals(await runSync(ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false })).failed,
    ).toBe(0);
    const [a, b] = (await ctx.store.all('acme-jira')) as [IssueRecord, IssueRecord];
    await ctx.locks.nextOrderGeneration('acme-jira');
    queueEvents = await trackerQueueEvents(h, 'acme-jira');
    const queue = ctx.queues.tracker('acme-jira');
    const callsBefore = h.jira.log.entries.filter((e) => e.operation === 'rank').length;
    const stale = await queue.add(JOB.rank, {
      trackerId: 'acme-jira',
      runId: null,
      batches: [{ ids: [a.id], after: b.id }],
      newRanks: {},
      generation: 1,
    });
    const unnumbered = await queue.add(JOB.rank, {
      trackerId: 'acme-jira',
      runId: null,
      batches: [{ ids: [a.id], after: b.id }],
      newRanks: {},
    });
    const last = await queue.add(JOB.rank, {
      trackerId: 'acme-jira',
      runId: null,
      batches: [{ ids: [b.id], after: a.id }],
      newRanks: {},
      generation: 2,
    });
    await Promise.all(
      [stale, unnumbered, last].map((j) => j.waitUntilFinished(queueEvents!.events, 30_000)),
    );
    const calls = h.jira.log.entries.filter((e) => e.operation === 'rank').slice(callsBefore);
    // Generation 1 was superseded (the store is at 2): only the other two went out.
    expect(calls.map((e) => e.body)).toEqual(
      expect.arrayContaining([
        { issues: [a.id], rankAfterIssue: b.id, rankCustomFieldId: 10019 },
        { issues: [b.id], rankAfterIssue: a.id, rankCustomFieldId: 10019 },
      ]),
    );
    expect(calls).toHaveLength(2);
  });
});

describe("a webhook's plan before the first sync has finished", () => {
  it('orders nothing (the first sync plans the whole board), and orders once a sync finished', async () => {
    h = await startHarness({
      jira: { issues: 40, seed: 67 },
      linear: { issues: 2, seed: 68 },
      jiraTracker: { rank: true },
    });
    const ctx = h.ctx;
    // Part of the board is held and no sync has finished: no watermark (a dry run sets none).
    await runSync(ctx, { trackerIds: ['acme-jira'], full: true, dryRun: true });
    expect(await ctx.meta.watermark('acme-jira')).toBeNull();
    const queue = ctx.queues.tracker('acme-jira');
    await queue.pause();
    const plan = { trackerId: 'acme-jira', runId: null, rescore: false };
    const queued = async () =>
      (await queue.getJobs(['prioritized', 'waiting'])).filter((j) =>
        [JOB.rank, JOB.write].includes(j.name as typeof JOB.rank),
      );

    await processPlan(ctx, plan, { id: 'early' } as Job);
    expect(await queued()).toEqual([]);

    await ctx.meta.setWatermark('acme-jira', new Date().toISOString());
    await processPlan(ctx, plan, { id: 'later' } as Job);
    expect((await queued()).map((j) => j.id)).toContain('plan-later-rank');
  });
});
