/**
 * A plan never queues a write for an issue whose write job is still waiting: that job re-reads the
 * issue's values when it runs. Without this, plans after every webhook piled up jobs for the same
 * issues, which fought over the per-issue locks and held a sync run open for minutes (soak).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { JOB, WRITE_JOB_PRIORITY } from '../../src/queues.js';
import { startHarness, waitUntilScoreQueueIdle, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('queued writes', () => {
  it('keeps at most one waiting write job per issue, and writes each change once', async () => {
    h = await startHarness({ jira: { issues: 40, seed: 71 }, linear: { issues: 5, seed: 72 } });
    const sync = () =>
      runSync(h!.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full: false, dryRun: false });
    expect(totals(await sync()).failed).toBe(0);
    const queue = h.ctx.queues.tracker('acme-jira');
    await queue.pause();

    // Five issues change; each webhook queues its own write, then a plan per burst follows.
    const scored = (await h.ctx.store.all('acme-jira')).filter(
      (r) => r.result.status === 'scored' && typeof r.inputs.cost === 'number',
    );
    const changed = scored.slice(0, 5);
    for (const [i, r] of changed.entries()) {
      h.jira.editIssue(r.key, { value: 50_000 + i * 1000 });
      await h.ctx.queues.score.add(JOB.scoreIssue, { trackerId: 'acme-jira', issueId: r.id });
    }
    // Two more plans of the same tracker while the writes wait.
    for (let i = 0; i < 2; i++)
      await h.ctx.queues.score.add(JOB.plan, { trackerId: 'acme-jira', runId: null });
    await h.ctx.queues.score.add(JOB.plan, { trackerId: 'acme-jira', runId: null });
    await waitUntilScoreQueueIdle(h);

    const waiting = await queue.getJobs(['wait', 'prioritized', 'delayed']);
    const ids = waiting
      .filter((j) => j.name === JOB.write)
      .flatMap((j) => (j.data as { issueIds: string[] }).issueIds);
    expect(ids.length).toBeGreaterThanOrEqual(changed.length);
    expect(ids.length).toBe(new Set(ids).size); // no issue in two waiting jobs
    // Webhook and plan writes wait behind the tracker's sync jobs (tick-priority.test.ts).
    for (const job of waiting.filter((j) => j.name === JOB.write))
      expect(job.opts.priority).toBe(WRITE_JOB_PRIORITY);

    const editsBefore = h.jira.log.count((e) => e.operation === 'edit');
    const allWritten = h.jira.log.waitFor((e) => e.operation === 'edit', editsBefore + ids.length);
    await queue.resume();
    await allWritten;
    for (const [i, r] of changed.entries())
      expect(h.jira.issue(r.key)?.netValue).toBe(
        50_000 + i * 1000 - (r.inputs.cost as number) * 50,
      );
    // Each issue was edited once after the resume.
    const edited = h.jira.log.entries
      .filter((e) => e.operation === 'edit')
      .slice(editsBefore)
      .map((e) => e.path.split('/').pop());
    expect(edited.length).toBe(new Set(edited).size);
  });
});
