/**
 * The scheduled full reconcile is never lost while the service runs, even though its schedule
 * ticks on the same grid as the incremental one (2 s is 2 x 1 s, as 86,400 s is 288 x 300 s):
 * a due full reconcile upgrades the run that starts, and it drops issues that left the scope.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSchedulers, shouldRunFull } from '../../src/pipeline/scheduler.js';
import { runSync } from '../../src/pipeline/sync-run.js';
import { JOB, SyncStartData } from '../../src/queues.js';
import { processSyncStart } from '../../workers/sync.js';
import type { RunInfo } from '../../src/store/run-record.js';
import {
  linearUpdatedIds,
  startHarness,
  trackerQueueEvents,
  type Harness,
} from './pipeline-harness.js';

describe('shouldRunFull', () => {
  const sync = { intervalSec: 300, fullEverySec: 86_400 };
  const t0 = Date.parse('2026-11-30T00:00:00Z');
  const at = (sec: number) => t0 + sec * 1000;
  const last = new Date(t0).toISOString();
  it.each([
    ['asked for', { full: true, watermark: last, lastFull: last }, at(1), true],
    ['first sync (no watermark)', { full: false, watermark: null, lastFull: null }, at(1), true],
    ['no full recorded yet', { full: false, watermark: last, lastFull: null }, at(1), true],
    [
      'an interval after the last full',
      { full: false, watermark: last, lastFull: last },
      at(300),
      false,
    ],
    [
      'on the grid tick where the full is due',
      { full: false, watermark: last, lastFull: last },
      at(86_400),
      true,
    ],
    [
      'a few ms before that tick',
      { full: false, watermark: last, lastFull: last },
      at(86_399.995),
      true,
    ],
    ['one tick before it', { full: false, watermark: last, lastFull: last }, at(86_100), false],
  ])('%s', (_name, asked, now, expected) => {
    expect(shouldRunFull(asked, now, sync)).toBe(expected);
  });
});

describe('scheduled full reconcile', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('runs while incremental syncs hold the lock, and forgets an issue that left the scope', async () => {
    h = await startHarness({
      jira: { issues: 12 },
      linear: { issues: 6 },
      config: { sync: { intervalSec: 1, fullEverySec: 2, rankSettleMs: 50 } },
    });
    const ctx = h.ctx;
    const jira = h.jira;
    const finished = new Map<string, RunInfo>();
    const left = { id: '', at: 0 };
    const done = new Promise<RunInfo>((resolve, reject) => {
      const onRun = async (runId: string): Promise<void> => {
        const run = await ctx.runs.info(runId);
        if (!run || run.trackerId !== 'acme-jira' || run.status !== 'done') return;
        if (finished.has(runId)) return;
        finished.set(runId, run);
        if (left.at === 0 && run.full) {
          // After the first full sync: one stored issue leaves the JQL scope (Done).
          const issue = jira.issues().find((i) => i.status !== 'Done');
          if (!issue || !(await ctx.store.get('acme-jira', issue.id))) {
            throw new Error('no open, stored issue to move out of scope');
          }
          left.id = issue.id;
          left.at = Date.now();
          jira.editIssue(issue.key, { status: 'Done' });
        } else if (left.at > 0 && run.full && Date.parse(run.startedAt) > left.at) {
          // A full reconcile that started after the issue left: it must have dropped it.
          resolve(run);
        }
      };
      const events = ctx.runs.subscribe((runId) => void onRun(runId).catch(reject));
      void events.then((e) => done.finally(() => e.close()), reject);
    });
    await ensureSchedulers(ctx);
    const laterFull = await done;

    expect(laterFull.full).toBe(true);
    // Scheduled runs after the first full one were incremental too: the full one was an upgrade
    // or its own tick, either way it ran while `serve`-style schedules were ticking together.
    expect([...finished.values()].filter((r) => r.full).length).toBeGreaterThanOrEqual(2);
    expect(await ctx.store.get('acme-jira', left.id)).toBeNull();
    const ranking = await ctx.store.rankingAll();
    const stillRanked = ranking.some(
      (r) => r.record.trackerId === 'acme-jira' && r.record.id === left.id,
    );
    expect(stillRanked).toBe(false);
  });
});

describe('issues that leave the scope while a long run holds the tracker', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /**
   * Both trackers synced, then held by a long run (a first full reconcile under rate limits, say),
   * and one issue of each out of scope with no webhook: the issues that left.
   */
  async function leaversUnderALongRun(seed: number) {
    h = await startHarness({ jira: { issues: 20, seed }, linear: { issues: 20, seed: seed + 1 } });
    await runSync(h.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full: true, dryRun: false });
    const [jiraIssue] = await h.ctx.store.all('acme-jira');
    const [linearIssue] = await h.ctx.store.all('acme-linear');
    if (!jiraIssue || !linearIssue) throw new Error('nothing synced');
    for (const t of ['acme-jira', 'acme-linear'])
      expect(await h.ctx.runs.acquireLock(t, `${t}-long-run`)).toBeNull();
    h.jira.editIssue(jiraIssue.key, { status: 'Done' });
    h.linear.editIssue(linearIssue.key, { stateType: 'canceled' });
    return { h, jiraIssue, linearIssue };
  }

  it('are forgotten by the skipped scheduled tick, for Jira and Linear, without waiting for the run', async () => {
    const { h, jiraIssue, linearIssue } = await leaversUnderALongRun(61);

    for (const trackerId of ['acme-jira', 'acme-linear'])
      await processSyncStart(h.ctx, SyncStartData.parse({ trackerId }));

    expect(await h.ctx.store.get('acme-jira', jiraIssue.id)).toBeNull();
    expect(await h.ctx.store.get('acme-linear', linearIssue.id)).toBeNull();
    // The tick started no run of its own: the long run still holds the trackers.
    expect(await h.ctx.runs.acquireLock('acme-jira', 'another')).toBe('acme-jira-long-run');
  });

  it('are forgotten even when the check fails transiently: it is asked again in the same tick', async () => {
    const { h, jiraIssue, linearIssue } = await leaversUnderALongRun(65);
    // The check's first two requests fail (a 503, then a 502), as under the soak's faults.
    for (const sandbox of [h.jira, h.linear])
      sandbox.faults.enqueue(
        { kind: 'server_error', status: 503 },
        { kind: 'server_error', status: 502 },
      );

    for (const trackerId of ['acme-jira', 'acme-linear'])
      await processSyncStart(h.ctx, SyncStartData.parse({ trackerId }));

    expect(await h.ctx.store.get('acme-jira', jiraIssue.id)).toBeNull();
    expect(await h.ctx.store.get('acme-linear', linearIssue.id)).toBeNull();
  });

  it('are forgotten by a tick that meets a short rate-limit pause: it waits the pause out', async () => {
    h = await startHarness({ jira: { issues: 20, seed: 67 }, linear: { issues: 5, seed: 68 } });
    await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    const [issue] = await h.ctx.store.all('acme-jira');
    if (!issue) throw new Error('nothing synced');
    expect(await h.ctx.runs.acquireLock('acme-jira', 'acme-jira-long-run')).toBeNull();
    h.jira.editIssue(issue.key, { status: 'Done' });
    // A 429 just paused the tracker for a second (writes queued before it go when it ends).
    const pauseEnds = Date.now() + 1000;
    await h.ctx.limiter.pause('acme-jira', pauseEnds);
    const requestsBefore = h.jira.log.entries.length;

    await processSyncStart(h.ctx, SyncStartData.parse({ trackerId: 'acme-jira' }));

    expect(await h.ctx.store.get('acme-jira', issue.id)).toBeNull();
    // The check itself went out once the pause was over.
    const asked = h.jira.log.entries.slice(requestsBefore).filter((e) => e.operation === 'search');
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.min(...asked.map((e) => e.atMs))).toBeGreaterThanOrEqual(pauseEnds);
  });

  it('are forgotten during a first sync too (no watermark yet: since the running run started)', async () => {
    h = await startHarness({ jira: { issues: 20, seed: 63 }, linear: { issues: 5, seed: 64 } });
    await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    const [issue] = await h.ctx.store.all('acme-jira');
    if (!issue) throw new Error('nothing synced');
    // As during a first full reconcile: no watermark, and a run that started a while ago.
    await h.ctx.redis.hdel(h.ctx.keys.watermarks, 'acme-jira');
    expect(await h.ctx.meta.watermark('acme-jira')).toBeNull();
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const first = { runId: 'acme-jira-first', trackerId: 'acme-jira', full: true, dryRun: false };
    await h.ctx.runs.create({ ...first, sinceIso: null, startedAt, group: [] });
    expect(await h.ctx.runs.acquireLock('acme-jira', first.runId)).toBeNull();
    h.jira.editIssue(issue.key, { status: 'Done' });

    await processSyncStart(h.ctx, SyncStartData.parse({ trackerId: 'acme-jira' }));
    expect(await h.ctx.store.get('acme-jira', issue.id)).toBeNull();
  });

  it('are forgotten when a later first run took over a lapsed lock: since the first run started', async () => {
    h = await startHarness({ jira: { issues: 20, seed: 71 }, linear: { issues: 5, seed: 72 } });
    // A first run notes when it started and holds what it pulled; it sets no watermark (a dry
    // run never does, as a first reconcile still running has not yet).
    await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: true });
    const [issue] = await h.ctx.store.all('acme-jira');
    if (!issue) throw new Error('nothing synced');
    expect(await h.ctx.meta.watermark('acme-jira')).toBeNull();
    h.jira.editIssue(issue.key, { status: 'Done' });
    // Its lock lapsed, and a second first run took it later (well past any overlap window).
    const startedAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const second = { runId: 'acme-jira-second', trackerId: 'acme-jira', full: true, dryRun: false };
    await h.ctx.runs.create({ ...second, sinceIso: null, startedAt, group: [] });
    expect(await h.ctx.runs.acquireLock('acme-jira', second.runId)).toBeNull();

    await processSyncStart(h.ctx, SyncStartData.parse({ trackerId: 'acme-jira' }));
    expect(await h.ctx.store.get('acme-jira', issue.id)).toBeNull();
  });

  it('are not written to by writes queued before they left: a write asks first when no check is recent', async () => {
    h = await startHarness({
      jira: { issues: 20, seed: 69 },
      linear: { issues: 20, seed: 70 },
      linearTracker: { writeBack: { priority: true } },
    });
    const { ctx } = h;
    await runSync(ctx, { trackerIds: ['acme-jira', 'acme-linear'], full: true, dryRun: false });
    const events = await Promise.all(
      ['acme-jira', 'acme-linear'].map((t) => trackerQueueEvents(h as Harness, t)),
    );
    try {
      const picked = async (trackerId: string) => {
        const scored = (await ctx.store.all(trackerId)).filter((r) => r.result.status === 'scored');
        const [leaver, stays] = scored;
        if (!leaver || !stays) throw new Error(`nothing scored in ${trackerId}`);
        // The tracker holds nothing yet for both: a write of each is due.
        await ctx.store.putTrackerState(
          trackerId,
          [leaver, stays].map((r) => ({ id: r.id, current: {}, lastWrittenAt: null })),
        );
        return { leaver, stays };
      };
      const jira = await picked('acme-jira');
      const linear = await picked('acme-linear');
      h.jira.editIssue(jira.leaver.key, { status: 'Done' });
      h.linear.editIssue(linear.leaver.key, { stateType: 'canceled' });
      // No tick has asked since (the queue was busy with writes): the last check is old.
      for (const t of ['acme-jira', 'acme-linear']) await ctx.meta.scopeCheckFailed(t);
      const jiraBefore = h.jira.log.entries.length;
      const linearBefore = h.linear.log.entries.length;

      const jobs = await Promise.all(
        [
          ['acme-jira', jira],
          ['acme-linear', linear],
        ].map(([trackerId, picks]) => {
          const { leaver, stays } = picks as typeof jira;
          return ctx.queues.tracker(trackerId as string).add(JOB.write, {
            trackerId: trackerId as string,
            runId: null,
            issueIds: [leaver.id, stays.id],
            why: 'test',
          });
        }),
      );
      await Promise.all(jobs.map((job, i) => job.waitUntilFinished(events[i]!.events, 30_000)));

      const jiraEdited = h.jira.log.entries
        .slice(jiraBefore)
        .filter((e) => e.operation === 'edit' && e.status < 300)
        .map((e) => e.path);
      expect(jiraEdited.some((p) => p.includes(jira.stays.id) || p.includes(jira.stays.key))).toBe(
        true,
      );
      expect(
        jiraEdited.some((p) => p.includes(jira.leaver.id) || p.includes(jira.leaver.key)),
      ).toBe(false);
      const linearUpdated = h.linear.log.entries
        .slice(linearBefore)
        .filter((e) => e.operation.startsWith('NetvalueIssueUpdate'))
        .flatMap((e) => linearUpdatedIds(e.body));
      expect(linearUpdated).toContain(linear.stays.id);
      expect(linearUpdated).not.toContain(linear.leaver.id);
      expect(await ctx.store.get('acme-jira', jira.leaver.id)).toBeNull();
      expect(await ctx.store.get('acme-linear', linear.leaver.id)).toBeNull();
    } finally {
      await Promise.all(events.map((e) => e.close()));
    }
  });
});
