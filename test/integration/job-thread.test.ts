/**
 * `serve` runs its jobs in a worker thread (src/cli/job-thread.ts): the thread processes the
 * queues with a context of its own, reports its metrics and the rate budgets its calls saw,
 * computes previews, and a thread that cannot start says why.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  JOB_THREAD_NICE,
  JOB_THREAD_YOUNG_GENERATION_MB,
  prepareJobThread,
  startJobThread,
} from '../../src/cli/job-thread.js';
import { connectorFor } from '../../src/pipeline/context.js';
import { enqueueSync } from '../../src/pipeline/runs.js';
import { mergeSettings } from '../../src/server/preview.js';
import { previewStored } from '../../src/server/preview-stored.js';
import { startHarness, trackerQueueEvents, type Harness } from './pipeline-harness.js';
import { waitForRun } from './server-harness.js';
import { threadNices } from './thread-nice.js';

let h: Harness | null = null;
afterAll(async () => {
  await h?.close();
});

/** Threads of this process whose nice value is the job thread's. */
function niceThreads(): number {
  return [...threadNices(process.pid).values()].filter((n) => n === JOB_THREAD_NICE).length;
}

describe('the job thread', () => {
  it(
    'runs the jobs queued by the main thread, reports its metrics, and closes',
    { timeout: 60_000 },
    async () => {
      h = await startHarness({
        workers: false,
        jira: { issues: 12, seed: 31 },
        linear: { issues: 8, seed: 32 },
      });
      const lowered = niceThreads();
      const thread = await startJobThread(h.config, { concurrency: 4 });
      try {
        expect(thread.running()).toBe(true);
        // The thread runs at a lower priority than the one answering HTTP (Linux: per thread).
        if (process.platform === 'linux') expect(niceThreads()).toBe(lowered + 1);
        // A small nursery bounds the thread's memory; the old generation is V8's (no heap cap).
        const limits = thread.resourceLimits();
        expect(limits.maxYoungGenerationSizeMb).toBe(JOB_THREAD_YOUNG_GENERATION_MB);
        expect(limits.maxOldGenerationSizeMb).toBeGreaterThanOrEqual(2048);
        // Nothing runs jobs in this process: only the thread can make the sync's writes.
        const queue = h.ctx.queues.tracker('acme-jira');
        const queueEvents = await trackerQueueEvents(h, 'acme-jira');
        const { events } = queueEvents;
        try {
          const runId = await enqueueSync(h.ctx, {
            trackerId: 'acme-jira',
            full: true,
            dryRun: false,
          });
          expect((await waitForRun(h.ctx, runId)).status).toBe('done');
          // Wait until the thread has run every job the run queued.
          await new Promise<void>((resolve, reject) => {
            const check = () =>
              queue.getJobCounts('active', 'wait', 'prioritized', 'delayed').then((counts) => {
                if (Object.values(counts).every((n) => n === 0)) resolve();
              }, reject);
            events.on('completed', () => void check());
            void check();
          });
        } finally {
          await queueEvents.close();
        }
        expect(h.jira.log.entries.some((e) => e.operation === 'edit' && e.status === 204)).toBe(
          true,
        );
        const { metrics } = await thread.report();
        const writes = metrics.find((m) => m.name === 'netvalue_writes_total');
        const written = writes?.values.find((v) => v.labels['result'] === 'written');
        expect(written?.value ?? 0).toBeGreaterThan(0);

        // A preview is computed in the thread (off the HTTP thread), as the main thread would.
        const settings = mergeSettings(h.ctx.settings, { hourlyRateUsd: 75 });
        const inThread = await thread.preview(settings, 5);
        const here = await previewStored(
          h.ctx,
          settings,
          (id) => connectorFor(h!.ctx, id),
          h.ctx.settings,
          { limit: 5 },
        );
        expect(inThread).toEqual(here);
        expect(here.changedCount).toBeGreaterThan(5);
        expect(here.changed).toHaveLength(5);
      } finally {
        await thread.close(5_000);
      }
      expect(thread.running()).toBe(false);
      expect((await thread.report()).metrics).toEqual([]);
      // Once it stopped, the caller computes previews itself.
      expect(thread.preview(mergeSettings(h.ctx.settings, {}), 5)).toBeNull();
    },
  );

  it('rejects with the reason when its context cannot start, and can still be ended', async () => {
    const config = { ...(h?.config ?? {}), redisUrl: 'redis://127.0.0.1:1' };
    // As serve does when its own start fails too: the failed thread ends without waiting.
    const prepared = prepareJobThread(config as never, { concurrency: 1 });
    await expect(prepared.start()).rejects.toThrow(/the job thread failed: cannot reach/);
    await prepared.abort();
    await expect(startJobThread(config as never, { concurrency: 1 })).rejects.toThrow(
      /the job thread failed: cannot reach .*127\.0\.0\.1:1/,
    );
  });
});
