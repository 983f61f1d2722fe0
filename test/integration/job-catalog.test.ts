/**
 * The job catalog's dispatcher: a payload that does not match its schema fails once, as
 * unrecoverable, with the field named, and the worker goes on with the next job.
 */
import { once } from 'node:events';
import type { Job, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB } from '../../src/queues.js';
import { startHarness, type Harness } from './pipeline-harness.js';

function workerOf(h: Harness, queueName: string): Worker {
  const worker = h.workers?.workers.find((w) => w.name === queueName);
  if (!worker) throw new Error(`no worker for ${queueName}`);
  return worker;
}

describe('job catalog', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('fails a malformed write payload once, unrecoverable, naming the field; the next job runs', async () => {
    h = await startHarness({ jira: { issues: 3 }, linear: { issues: 3 } });
    const queue = h.ctx.queues.tracker('acme-jira');
    const worker = workerOf(h, queue.name);
    const failed = once(worker, 'failed') as Promise<[Job, Error]>;
    const bad = await queue.add(JOB.write, { trackerId: 'acme-jira', runId: null, issueIds: 'x' });

    const [job, err] = await failed;
    expect(job.id).toBe(bad.id);
    expect(err.name).toBe('UnrecoverableError');
    expect(err.message).toContain('invalid write job payload');
    expect(err.message).toContain('issueIds');
    const stored = await queue.getJob(bad.id as string);
    expect(await stored?.getState()).toBe('failed');
    // Eight attempts are configured: a bad payload uses exactly one.
    expect(bad.opts.attempts).toBe(8);
    expect(stored?.attemptsMade).toBe(1);

    // The worker is still serving: a well-formed job (a plan of an empty tracker) completes.
    const scoreWorker = workerOf(h, h.ctx.queues.score.name);
    const completed = once(scoreWorker, 'completed') as Promise<[Job]>;
    const good = await h.ctx.queues.score.add(JOB.plan, { trackerId: 'acme-jira', runId: null });
    const [done] = await completed;
    expect(done.id).toBe(good.id);
  });

  it('fails an unknown job name and a job on the wrong queue at once', async () => {
    h = await startHarness({ jira: { issues: 1 }, linear: { issues: 1 } });
    const scoreWorker = workerOf(h, h.ctx.queues.score.name);
    const failed = once(scoreWorker, 'failed') as Promise<[Job, Error]>;
    // A tracker job sent to the score queue is not run there.
    await h.ctx.queues.score.add(JOB.write, {
      trackerId: 'acme-jira',
      runId: null,
      issueIds: ['1'],
    });
    const [job, err] = await failed;
    expect(err.message).toBe(`unknown job 'write' on queue '${h.ctx.queues.score.name}'`);
    expect(job.attemptsMade).toBe(1);
  });
});
