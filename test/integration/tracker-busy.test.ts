/**
 * The score queue is shared by every tracker. A job that must wait long for its tracker (a 429's
 * pause, a spent hourly budget) waits in the delayed set, not in a worker slot: eight Linear jobs
 * waiting out a spent budget held every slot, and Jira's webhooks and runs waited behind them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JOB } from '../../src/queues.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { scoreQueueEvents, startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let workers: RunningWorkers | null = null;
let events: Awaited<ReturnType<typeof scoreQueueEvents>> | null = null;
afterEach(async () => {
  await workers?.close();
  await events?.close();
  await h?.close();
  h = null;
  workers = null;
  events = null;
});

describe('a tracker that may not be called for a while', () => {
  it("does not hold the shared score queue: another tracker's job goes first", async () => {
    h = await startHarness({
      jira: { issues: 5, seed: 81 },
      linear: { issues: 5, seed: 82 },
      workers: false,
    });
    const ctx = h.ctx;
    events = await scoreQueueEvents(h);
    const pauseMs = 3_000;
    await ctx.limiter.pause('acme-linear', Date.now() + pauseMs);
    const pausedAt = Date.now();
    expect(await ctx.limiter.blockedForMs('acme-linear')).toBeGreaterThan(pauseMs - 500);
    expect(await ctx.limiter.blockedForMs('acme-jira')).toBe(0);

    // One slot: the Linear job is taken first, then the Jira one.
    const linearId = h.linear.workspace.issues[0]?.id ?? '';
    const jiraId = h.jira.issuesInRankOrder()[0]?.id ?? '';
    const linearJob = await ctx.queues.score.add(JOB.scoreIssue, {
      trackerId: 'acme-linear',
      issueId: linearId,
      remove: false,
    });
    const jiraJob = await ctx.queues.score.add(JOB.scoreIssue, {
      trackerId: 'acme-jira',
      issueId: jiraId,
      remove: false,
    });
    workers = startWorkers(ctx, { concurrency: 1 });
    await jiraJob.waitUntilFinished(events.events, 30_000);
    const jiraDoneAt = Date.now();
    await linearJob.waitUntilFinished(events.events, 30_000);

    // The Jira job did not wait out Linear's pause; the Linear job ran once it was over.
    expect(jiraDoneAt - pausedAt).toBeLessThan(pauseMs);
    const linear = await ctx.queues.score.getJob(linearJob.id ?? '');
    expect(linear?.finishedOn ?? 0).toBeGreaterThanOrEqual(pausedAt + pauseMs - 50);
    expect(linear?.attemptsMade).toBe(1); // waiting used no attempt: it succeeded on its first
    const calls = h.linear.log.entries.filter((e) => e.atMs >= pausedAt);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((e) => e.atMs >= pausedAt + pauseMs - 50)).toBe(true);
  });

  it('counts a spent budget as a wait until its reset', async () => {
    h = await startHarness({ workers: false });
    const { limiter } = h.ctx;
    const resetAtMs = Date.now() + 600_000;
    await limiter.followBudget('acme-linear', {
      requestsRemaining: 0,
      requestsLimit: 100,
      resetAtMs,
    });
    const waitMs = await limiter.blockedForMs('acme-linear');
    expect(waitMs).toBeGreaterThan(590_000);
    expect(waitMs).toBeLessThanOrEqual(600_000);
    expect(await limiter.blockedForMs('acme-jira')).toBe(0);
  });
});
