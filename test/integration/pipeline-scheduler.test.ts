import { afterAll, describe, expect, it } from 'vitest';
import { createContext, createLogger } from '../../src/main.js';
import { ensureSchedulers, schedulerIds } from '../../src/pipeline/scheduler.js';
import { JOB } from '../../src/queues.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterAll(async () => {
  await h?.close();
});

describe('scheduler', () => {
  it('exists once per tracker after three restarts of two processes', async () => {
    h = await startHarness({ workers: false });
    const config = h.config;
    const connectors = h.ctx.connectors;
    for (let restart = 0; restart < 3; restart++) {
      // Two "processes": each with its own Redis connections, starting at the same time.
      const processes = await Promise.all(
        [1, 2].map(() =>
          createContext(config, { connectors, logger: createLogger({ logLevel: 'silent' }) }),
        ),
      );
      await Promise.all(processes.map((ctx) => ensureSchedulers(ctx)));
      await Promise.all(processes.map((ctx) => ctx.close()));
    }
    for (const tracker of config.trackers) {
      const schedulers = await h.ctx.queues.tracker(tracker.id).getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual(
        [
          [`full-sync-${tracker.id}`, config.sync.fullEverySec * 1000],
          [`incremental-sync-${tracker.id}`, config.sync.intervalSec * 1000],
        ].sort(),
      );
      // Exactly one pending job per scheduler, delayed: the first tick is an interval away.
      const counts = await h.ctx.queues
        .tracker(tracker.id)
        .getJobCounts('wait', 'delayed', 'prioritized');
      expect(counts).toEqual({ wait: 0, delayed: 2, prioritized: 0 });
    }
  });

  it("ticks first an interval after start-up, so serve's start-up run is the one that runs", async () => {
    const harness = await startHarness({
      workers: false,
      config: { sync: { intervalSec: 300, fullEverySec: 86_400 } },
    });
    try {
      const queue = harness.ctx.queues.tracker('acme-jira');
      const ids = schedulerIds('acme-jira');
      const nextTicks = async () =>
        Promise.all(
          [ids.incremental, ids.full].map(
            async (id) => (await queue.getJobScheduler(id))?.next ?? 0,
          ),
        );

      let before = Date.now();
      await ensureSchedulers(harness.ctx);
      const [incremental, full] = await nextTicks();
      expect(incremental).toBeGreaterThanOrEqual(before + 300_000);
      expect(full).toBeGreaterThanOrEqual(before + 86_400_000);

      // A restart within the interval keeps the grid (a deploy every minute still syncs).
      await ensureSchedulers(harness.ctx);
      expect(await nextTicks()).toEqual([incremental, full]);

      // A schedule left overdue (the service was down, or made by an earlier release, which
      // ticked at once): its tick would race the start-up run, so it moves an interval ahead.
      await queue.removeJobScheduler(ids.incremental);
      await queue.upsertJobScheduler(
        ids.incremental,
        { every: 300_000 },
        { name: JOB.syncStart, data: { trackerId: 'acme-jira', full: false, dryRun: false } },
      );
      expect(await queue.getJobCounts('wait')).toEqual({ wait: 1 });
      before = Date.now();
      await ensureSchedulers(harness.ctx);
      const [moved] = await nextTicks();
      expect(moved).toBeGreaterThanOrEqual(before + 300_000);
      expect(await queue.getJobCounts('wait', 'delayed')).toEqual({ wait: 0, delayed: 2 });
    } finally {
      await harness.close();
    }
  });
});
