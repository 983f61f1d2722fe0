/**
 * A sync's start job may run twice: BullMQ hands a stalled job (its worker's event loop blocked,
 * its process killed) to a worker again. The run lock it took the first time is its own run's,
 * so the run goes on instead of being recorded as skipped by "another" sync (itself).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JOB, SyncStartData } from '../../src/queues.js';
import { processSyncStart } from '../../workers/sync.js';
import { startHarness, type Harness } from './pipeline-harness.js';
import { waitForRun } from './server-harness.js';

describe('a sync start job that runs again', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('carries on its own run after creating it: every issue, no "another sync"', async () => {
    h = await startHarness({ jira: { issues: 20, seed: 81 }, linear: { issues: 5, seed: 82 } });
    const data = SyncStartData.parse({
      trackerId: 'acme-jira',
      runId: 'acme-jira-again',
      full: true,
    });
    const done = waitForRun(h.ctx, data.runId ?? '');

    await processSyncStart(h.ctx, data);
    await processSyncStart(h.ctx, data); // the same job, handed out again

    const summary = await done;
    expect(summary.failures).toEqual([]);
    expect(summary.pulled).toBeGreaterThan(10); // the issues of the 20 that match the JQL
    expect(await h.ctx.store.all('acme-jira')).toHaveLength(summary.pulled);
    expect(await h.ctx.runs.info('acme-jira-again')).toMatchObject({ pullFailed: false });
  });

  it('starts the run when the first attempt stopped after taking the lock', async () => {
    h = await startHarness({ jira: { issues: 12, seed: 83 }, linear: { issues: 5, seed: 84 } });
    // The first attempt took the run lock and stopped before it created the run.
    expect(await h.ctx.runs.acquireLock('acme-jira', 'acme-jira-half')).toBeNull();
    const data = SyncStartData.parse({
      trackerId: 'acme-jira',
      runId: 'acme-jira-half',
      full: true,
    });
    const done = waitForRun(h.ctx, 'acme-jira-half');

    await processSyncStart(h.ctx, data);

    const summary = await done;
    expect(summary.failures).toEqual([]);
    expect(summary.pulled).toBeGreaterThan(5);
    expect(await h.ctx.store.all('acme-jira')).toHaveLength(summary.pulled);
  });

  it('queues nothing again once the run is over', async () => {
    h = await startHarness({ jira: { issues: 8, seed: 85 }, linear: { issues: 5, seed: 86 } });
    const data = SyncStartData.parse({
      trackerId: 'acme-jira',
      runId: 'acme-jira-over',
      full: true,
    });
    const done = waitForRun(h.ctx, 'acme-jira-over');
    await processSyncStart(h.ctx, data);
    const { pulled } = await done;
    // The lock is released when the run completes; hold it again as a stale leftover would.
    expect(await h.ctx.runs.acquireLock('acme-jira', 'acme-jira-over')).toBeNull();
    const searches = h.jira.log.entries.filter((e) => e.operation === 'search').length;

    await processSyncStart(h.ctx, data);

    expect(await h.ctx.runs.summary('acme-jira-over')).toMatchObject({ status: 'done', pulled });
    const jobs = await h.ctx.queues.tracker('acme-jira').getJobs(['waiting', 'delayed', 'active']);
    expect(jobs.filter((j) => j.name === JOB.syncPage)).toEqual([]);
    expect(h.jira.log.entries.filter((e) => e.operation === 'search')).toHaveLength(searches);
  });
});
