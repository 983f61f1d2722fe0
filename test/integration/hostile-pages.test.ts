/**
 * Pages that repeat (issue 15, section 3 and finding 8): a tracker that hands back a cursor it
 * already gave in the run must not loop the run, and no run pulls more than MAX_PAGES_PER_RUN
 * pages. Driven at the worker level (`processSyncPage`) with the real Linear connector on the
 * sandbox (its cursors are node ids, as Linear's are): page N answered like page 0 again yields
 * page 1's cursor a second time.
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/pipeline/runs.js';
import type { SyncPageData } from '../../src/queues.js';
import { MAX_PAGES_PER_RUN, processSyncPage } from '../../workers/sync.js';
import { startHarness, type Harness } from './pipeline-harness.js';

/** What `isFinal` reads; these pages succeed, so it is never consulted. */
const JOB = { attemptsMade: 0, opts: { attempts: 1 } } as unknown as Job;
const TRACKER = 'acme-linear';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    workers: false,
    jira: { issues: 2 },
    linear: { issues: 400, seed: 1501 },
  });
});
afterAll(async () => {
  await h?.close();
});

async function newRun(): Promise<string> {
  const runId = newRunId(TRACKER);
  await h.ctx.runs.create({
    runId,
    trackerId: TRACKER,
    full: true,
    dryRun: false,
    sinceIso: null,
    startedAt: new Date().toISOString(),
  });
  return runId;
}

const page = (runId: string, n: number, cursor: string | null): SyncPageData => ({
  trackerId: TRACKER,
  runId,
  page: n,
  cursor,
  sinceIso: null,
});

const queuedPage = async (runId: string, n: number) =>
  (await h.ctx.queues.tracker(TRACKER).getJob(`${runId}-p${n}`))?.data as SyncPageData | undefined;

describe('a tracker that repeats a cursor', () => {
  it('stops the pull with a clear failure instead of looping; a retried page is no repeat', async () => {
    const runId = await newRun();
    await processSyncPage(h.ctx, page(runId, 0, null), JOB);
    const next = await queuedPage(runId, 1);
    expect(next?.cursor).toEqual(expect.any(String));

    // A retry of page 0 (same page, same answer) is not a repeat.
    await processSyncPage(h.ctx, page(runId, 0, null), JOB);
    expect((await h.ctx.runs.summary(runId))?.failures).toEqual([]);

    // Page 4 answered like page 0: its next cursor is page 1's again.
    await processSyncPage(h.ctx, page(runId, 4, null), JOB);
    const summary = await h.ctx.runs.summary(runId);
    expect(summary?.failures).toHaveLength(1);
    expect(summary?.failures[0]).toMatchObject({ trackerId: TRACKER, key: '(page 5)' });
    expect(summary?.failures[0]?.message).toContain(
      'the tracker repeated the cursor of page 1 as the next page after page 4: the pull stopped so the run cannot loop',
    );
    expect(await queuedPage(runId, 5)).toBeUndefined();
    expect((await h.ctx.runs.info(runId))?.pullFailed).toBe(true);
  });

  it(`stops a run at ${MAX_PAGES_PER_RUN} pages, saying so`, async () => {
    const runId = await newRun();
    await processSyncPage(h.ctx, page(runId, MAX_PAGES_PER_RUN - 1, null), JOB);
    const summary = await h.ctx.runs.summary(runId);
    expect(summary?.failures[0]?.message).toContain(
      `the pull stopped after ${MAX_PAGES_PER_RUN} pages, the most one run pulls`,
    );
    expect(await queuedPage(runId, MAX_PAGES_PER_RUN)).toBeUndefined();
  });
});
