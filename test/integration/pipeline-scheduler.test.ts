import { afterAll, describe, expect, it } from 'vitest';
import { createContext, createLogger } from '../../src/main.js';
import { ensureSchedulers } from '../../src/pipeline/scheduler.js';
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
      // Exactly one pending job per scheduler (the first fires at once, so it waits rather than delays).
      const counts = await h.ctx.queues
        .tracker(tracker.id)
        .getJobCounts('wait', 'delayed', 'prioritized');
      expect((counts['wait'] ?? 0) + (counts['delayed'] ?? 0) + (counts['prioritized'] ?? 0)).toBe(
        2,
      );
    }
  });
});
