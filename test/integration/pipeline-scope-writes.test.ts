/**
 * An issue that leaves a Jira scope without a webhook (Done) is known to netvalue only at the next
 * sync. Writes planned from webhooks meanwhile (positions shifted by another issue's change) check
 * the scope first: the leaver is forgotten, never written (found by the soak).
 */
import type { Queue, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_FIELDS } from '../../connectors/jira/sandbox/index.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { JOB } from '../../src/queues.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Resolves once the queue has nothing waiting, delayed or running (its worker's events). */
async function idle(queue: Queue, worker: Worker): Promise<void> {
  for (;;) {
    let onDone = (): void => undefined;
    const next = new Promise<void>((resolve) => (onDone = () => resolve()));
    worker.once('completed', onDone);
    worker.once('failed', onDone);
    const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) {
      worker.off('completed', onDone);
      worker.off('failed', onDone);
      return;
    }
    await next;
  }
}

describe('writes planned from webhooks', () => {
  it('never go to an issue that left the scope since its last pull', async () => {
    h = await startHarness({
      jira: { issues: 30, seed: 91 },
      linear: { issues: 3, seed: 92 },
      jiraTracker: {
        fields: {
          value: 'Value ($/month)',
          cost: 'Cost (hours)',
          costUnit: 'hours',
          netValue: 'Net value',
          rankPosition: 'Net value rank',
        },
      },
    });
    const sync = () =>
      runSync(h!.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full: false, dryRun: false });
    expect(totals(await sync()).failed).toBe(0);
    const ranking = (await h.ctx.store.rankingAll())
      .map((r) => r.record)
      .filter((r) => r.trackerId === 'acme-jira' && r.result.status === 'scored');
    const leaver = ranking[0]!;
    const mover = ranking.at(-1)!;

    // The top issue is closed (no webhook); then the bottom one is raised to the top: every
    // position in between shifts, the closed issue's included.
    h.jira.editIssue(leaver.key, { status: 'Done' });
    const leftAt = Date.now();
    h.jira.editIssue(mover.key, { value: 9_000_000 });
    await h.ctx.queues.score.add(JOB.scoreIssue, { trackerId: 'acme-jira', issueId: mover.id });
    const workers = h.workers!.workers;
    const scoreWorker = workers.find((w) => w.name === h!.ctx.queues.score.name)!;
    const jiraQueue = h.ctx.queues.tracker('acme-jira');
    const jiraWorker = workers.find((w) => w.name === jiraQueue.name)!;
    await h.jira.log.waitFor(
      (e) =>
        e.operation === 'edit' &&
        e.path.endsWith(`/${mover.id}`) &&
        SANDBOX_FIELDS.rankPosition in ((e.body as { fields?: object }).fields ?? {}),
      1,
    );
    await idle(h.ctx.queues.score, scoreWorker);
    await idle(jiraQueue, jiraWorker);

    const editsOfLeaver = h.jira.log.entries.filter(
      (e) => e.operation === 'edit' && e.path.endsWith(`/${leaver.id}`) && e.atMs >= leftAt,
    );
    expect(editsOfLeaver).toEqual([]);
    expect(await h.ctx.store.get('acme-jira', leaver.id)).toBeNull();
    // The others got their shifted positions.
    expect(h.jira.issue(mover.key)?.rankPosition).toBe(1);
  });
});
