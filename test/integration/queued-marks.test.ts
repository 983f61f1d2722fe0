/**
 * A plan marks the issues it queues writes for, so later plans leave them to that job. A plan
 * killed after marking and before adding its jobs ran again and found its own marks: it queued
 * nothing, and no plan queued those issues until the marks expired 15 minutes later (the
 * 10-minute soak: 5 values never written, not even by the full syncs at its end).
 */
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { processPlan } from '../../workers/plan.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { JOB, type WriteData } from '../../src/queues.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('issues marked queued by a plan that was killed before adding its jobs', () => {
  it('are queued when that plan runs again, and still by no other plan', async () => {
    h = await startHarness({ jira: { issues: 12, seed: 91 }, linear: { issues: 2, seed: 92 } });
    const ctx = h.ctx;
    // A dry run stores every issue and writes nothing: each scored issue needs its net value.
    const dry = await runSync(ctx, { trackerIds: ['acme-jira'], full: true, dryRun: true });
    expect(totals(dry).failed).toBe(0);
    await ctx.meta.setWatermark('acme-jira', new Date().toISOString());
    const needed = (await ctx.store.all('acme-jira'))
      .filter((r) => r.result.status === 'scored')
      .map((r) => r.id)
      .sort();
    expect(needed.length).toBeGreaterThan(3);
    const queue = ctx.queues.tracker('acme-jira');
    await queue.pause();
    const queued = async () =>
      (await queue.getJobs(['prioritized', 'waiting']))
        .filter((j) => j.name === JOB.write)
        .flatMap((j) => (j.data as WriteData).issueIds)
        .sort();

    // The killed attempt of plan job "p1" marked them; its jobs never reached the queue.
    const plan = { trackerId: 'acme-jira', runId: null, rescore: false };
    expect(await ctx.locks.markQueued('acme-jira', needed, 'plan-p1')).toEqual(needed);
    expect(await queued()).toEqual([]);

    await processPlan(ctx, plan, { id: 'p1' } as Job);
    expect(await queued()).toEqual(needed);

    // Another plan meanwhile leaves them to those jobs, as before.
    await processPlan(ctx, plan, { id: 'p2' } as Job);
    expect(await queued()).toEqual(needed);
  });
});
