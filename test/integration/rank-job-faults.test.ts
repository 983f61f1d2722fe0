/**
 * A rank job is one ordered chain of calls: a fault on one call must not spend one of the job's
 * attempts, or a first reconcile of hundreds of moves under a 20 % fault rate ran out of attempts
 * and waited minutes in the queue's backoff (the 10-minute soak's first Jira run).
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { MAX_TRANSIENT_TRIES_IN_STEP } from '../../src/pipeline/job-errors.js';
import { JOB } from '../../src/queues.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { redisKeys } from '../../src/store/keys.js';
import { REDIS_URL, startHarness, trackerQueueEvents, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let queueEvents: Awaited<ReturnType<typeof trackerQueueEvents>> | null = null;
afterEach(async () => {
  await queueEvents?.close();
  await h?.close();
  queueEvents = null;
  h = null;
});

async function rankHarness(seed: number) {
  h = await startHarness({
    jira: { issues: 12, seed },
    linear: { issues: 2, seed: seed + 1 },
    jiraTracker: { rank: true },
  });
  expect(
    totals(await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false })).failed,
  ).toBe(0);
  queueEvents = await trackerQueueEvents(h, 'acme-jira');
  const [a, , c, d] = (await h.ctx.store.all('acme-jira')) as [
    IssueRecord,
    IssueRecord,
    IssueRecord,
    IssueRecord,
  ];
  // Two moves, each against an issue that stays put: d after a, then c after d.
  const batches = [
    { ids: [d.id], after: a.id },
    { ids: [c.id], after: d.id },
  ];
  return { h, batches, order: [a.id, d.id, c.id] };
}

/** The rank job with one attempt: a failure the step does not retry itself fails it. */
function oneAttempt(h: Harness, batches: { ids: string[]; after: string }[]) {
  return h.ctx.queues
    .tracker('acme-jira')
    .add(JOB.rank, { trackerId: 'acme-jira', runId: null, batches, newRanks: {} }, { attempts: 1 });
}

const serverError = { kind: 'server_error', status: 503 } as const;

describe('a rank job meeting faults', () => {
  it('retries a failed call inside the job: one attempt orders the board', async () => {
    const { h, batches, order } = await rankHarness(71);
    const ok = () => h.jira.log.entries.filter((e) => e.operation === 'rank' && e.status < 300);
    const before = ok().length;
    // Each call fails a few times (one fewer than the step allows) before it goes through.
    const faults = Array.from({ length: MAX_TRANSIENT_TRIES_IN_STEP - 1 }, () => serverError);
    h.jira.faults.enqueueFor('rank', ...faults, { kind: 'latency', ms: 0 }, ...faults);

    const job = await oneAttempt(h, batches);
    await job.waitUntilFinished(queueEvents!.events, 30_000);

    expect(ok().length - before).toBe(batches.length);
    const ids = h.jira.issuesInRankOrder().map((i) => i.id);
    expect(ids.filter((id) => order.includes(id))).toEqual(order);
    expect(ids.indexOf(order[1] as string)).toBe(ids.indexOf(order[0] as string) + 1);
  });

  it('stops the chain when a call cannot be recorded: the job says why, no next call', async () => {
    const { h, batches } = await rankHarness(75);
    const rankCalls = () => h.jira.log.entries.filter((e) => e.operation === 'rank').length;
    const redis = new Redis(REDIS_URL);
    try {
      // The count of rank calls cannot go up: recording the first call fails. A call that went
      // out unrecorded must not be followed by the next one (a full run's plan compares the count).
      await redis.set(redisKeys(h.prefix).rankCalls('acme-jira'), 'not a number');
      const before = rankCalls();
      const job = await oneAttempt(h, batches);
      await expect(job.waitUntilFinished(queueEvents!.events, 30_000)).rejects.toThrow(
        /not an integer/,
      );
      expect(rankCalls() - before).toBe(1);
    } finally {
      await redis.quit();
    }
  });

  it('gives the step up after its tries: the job spends an attempt and says why', async () => {
    const { h, batches } = await rankHarness(73);
    const faults = Array.from({ length: MAX_TRANSIENT_TRIES_IN_STEP }, () => serverError);
    h.jira.faults.enqueueFor('rank', ...faults);
    const job = await oneAttempt(h, batches);
    await expect(job.waitUntilFinished(queueEvents!.events, 30_000)).rejects.toThrow(/503/);
    const rankRequests = h.jira.log.entries.filter((e) => e.operation === 'rank');
    expect(rankRequests.slice(-MAX_TRANSIENT_TRIES_IN_STEP).every((e) => e.status === 503)).toBe(
      true,
    );
  });
});
