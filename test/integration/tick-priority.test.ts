/**
 * A tracker's sync jobs go before its queued writes: writes are held to the tracker's pace, and a
 * scheduled tick (with its check for issues that left the scope) that waited behind them let
 * writes reach issues out of scope for minutes (the soak).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { JOB, WRITE_JOB_PRIORITY } from '../../src/queues.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { startHarness, trackerQueueEvents, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let workers: RunningWorkers | null = null;
let queueEvents: Awaited<ReturnType<typeof trackerQueueEvents>> | null = null;
afterAll(async () => {
  await workers?.close();
  await queueEvents?.close();
  await h?.close();
});

describe('the order of a tracker queue', () => {
  it('runs a sync tick queued after a backlog of writes before those writes', async () => {
    h = await startHarness({
      jira: { issues: 6, seed: 81 },
      linear: { issues: 2, seed: 82 },
      workers: false,
    });
    const queue = h.ctx.queues.tracker('acme-jira');
    queueEvents = await trackerQueueEvents(h, 'acme-jira');
    const { events } = queueEvents;
    const started: string[] = [];
    events.on('active', ({ jobId }) => started.push(jobId));

    // A backlog of writes, as a plan queues them, then the scheduler's tick.
    await queue.addBulk(
      [0, 1, 2, 3].map((k) => ({
        name: JOB.write,
        data: { trackerId: 'acme-jira', runId: null, issueIds: [`nope-${k}`], why: 'test' },
        opts: { jobId: `backlog-w${k}`, priority: WRITE_JOB_PRIORITY },
      })),
    );
    const tick = await queue.add(
      JOB.syncStart,
      { trackerId: 'acme-jira', full: false, dryRun: false },
      { jobId: 'tick' },
    );
    workers = startWorkers(h.ctx, { concurrency: 1 });
    await tick.waitUntilFinished(events, 30_000);
    expect(started[0]).toBe('tick');
  });
});
