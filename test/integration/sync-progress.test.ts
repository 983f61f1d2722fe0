/**
 * runSync follows its runs through pub/sub, and a run publishes on every page and count. The
 * summaries are read at most every 100 ms (src/pipeline/sync-run.ts), not after every event: in
 * a full sync of 8,089 issues they were read 1,246 times, with the workers in the same process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import type { RunSummary } from '../../src/store/run-store.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('sync progress', () => {
  it('reads the summaries at most every 100 ms, and still returns the finished runs', async () => {
    h = await startHarness({ jira: { issues: 400, seed: 5 }, linear: { issues: 300, seed: 6 } });
    let events = 0;
    const counting = await h.ctx.runs.subscribe(() => events++);
    const summary = h.ctx.runs.summary.bind(h.ctx.runs);
    let reads = 0;
    h.ctx.runs.summary = (runId: string) => {
      reads++;
      return summary(runId);
    };
    const progress: RunSummary[][] = [];
    const started = performance.now();
    try {
      const runs = await runSync(
        h.ctx,
        { trackerIds: ['acme-jira', 'acme-linear'], full: true, dryRun: false },
        (s) => progress.push(s),
      );
      const elapsedMs = performance.now() - started;
      expect(runs.every((r) => r.status === 'done')).toBe(true);
      expect(totals(runs).failed).toBe(0);
      expect(progress.at(-1)?.every((r) => r.status === 'done')).toBe(true);
      // Two runs read per look; one look per 100 ms at most, plus the first.
      const looks = reads / 2;
      expect(looks).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + 1);
      expect(events).toBeGreaterThan(looks * 2);
    } finally {
      await counting.close();
    }
  });
});
