/**
 * Jira webhooks carry no snapshot the scope can be judged on, so each score job reads its issue
 * again. Jobs reading the same tracker meanwhile share one search (src/pipeline/issue-reads.ts):
 * a burst of webhooks costs a few calls instead of one each, and a deleted issue in the batch
 * (Jira then refuses the whole query) costs one more call, not one per issue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { JOB } from '../../src/queues.js';
import { startHarness, waitUntilScoreQueueIdle, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('webhook reads', () => {
  it('reads a burst of issues in shared searches, each issue as the tracker holds it', async () => {
    h = await startHarness({ jira: { issues: 40, seed: 91 }, linear: { issues: 2, seed: 92 } });
    const synced = totals(
      await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false }),
    );
    expect(synced.failed).toBe(0);
    const scored = (await h.ctx.store.all('acme-jira')).filter(
      (r) => r.result.status === 'scored' && typeof r.inputs.cost === 'number',
    );
    expect(scored.length).toBeGreaterThanOrEqual(14);
    const edited = scored.slice(0, 12);
    const [gone, done] = scored.slice(12);
    for (const [i, r] of edited.entries()) h.jira.editIssue(r.key, { value: 70_000 + i * 100 });
    h.jira.deleteIssue(gone!.key);
    h.jira.editIssue(done!.key, { status: 'Done' });

    // Reads by id (the plan and the writes that follow search for other things).
    const searches = () =>
      h!.jira.log.count(
        (e) =>
          e.operation === 'search' && /\bid (=|in) /.test((e.body as { jql?: string }).jql ?? ''),
      );
    const before = searches();
    h.jira.faults.setLatency(150); // a search takes Jira a while; jobs that ask meanwhile wait
    const asked = [...edited, gone!, done!];
    await h.ctx.queues.score.addBulk(
      asked.map((r) => ({ name: JOB.scoreIssue, data: { trackerId: 'acme-jira', issueId: r.id } })),
    );
    await waitUntilScoreQueueIdle(h);

    // 14 issues, 8 jobs at a time: a few shared searches, one more for the deleted issue (one
    // search per issue before).
    expect(searches() - before).toBeLessThanOrEqual(6);
    for (const [i, r] of edited.entries())
      expect((await h.ctx.store.get('acme-jira', r.id))?.inputs.value).toBe(70_000 + i * 100);
    expect(await h.ctx.store.get('acme-jira', gone!.id)).toBeNull();
    expect(await h.ctx.store.get('acme-jira', done!.id)).toBeNull();
  });
});
