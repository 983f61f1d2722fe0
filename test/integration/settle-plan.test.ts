/**
 * The plan after webhooks (src/pipeline/settle-plan.ts): a burst of edits adds the delayed plan job
 * once per quarter of `sync.rankSettleMs`, never leaves an edit without a plan that starts after it,
 * and an edit made while a plan runs gets one more plan.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueSet } from '../../src/pipeline/queue-set.js';
import { queueSettlePlan, settlePlanDue } from '../../src/pipeline/settle-plan.js';
import { bullPrefix, JOB, SCORE_QUEUE } from '../../src/queues.js';
import { deletePrefix, REDIS_URL } from './pipeline-harness.js';

describe('settlePlanDue', () => {
  it('asks for an add unless this process created a plan within a quarter of the settle time', () => {
    expect(settlePlanDue(undefined, 1_000, 2_000)).toBe(true);
    expect(settlePlanDue(1_000, 1_000, 2_000)).toBe(false);
    expect(settlePlanDue(1_000, 1_499, 2_000)).toBe(false);
    expect(settlePlanDue(1_000, 1_500, 2_000)).toBe(true);
    // A clock that went back, and no settle time at all.
    expect(settlePlanDue(1_000, 999, 2_000)).toBe(true);
    expect(settlePlanDue(1_000, 1_000, 0)).toBe(true);
  });
});

describe('queueSettlePlan', () => {
  const prefix = `nv-test-settle-${randomUUID()}`;
  let redis: Redis;
  let queues: QueueSet;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queues = new QueueSet(redis, prefix, ['jira']);
  });
  afterAll(async () => {
    await queues.close();
    await redis.quit();
    await deletePrefix(prefix);
  });

  const planJobs = async (): Promise<Job[]> =>
    (await queues.score.getJobs(['delayed', 'wait', 'active'])).filter((j) => j.name === JOB.plan);

  it('adds once per quarter of the settle time, each add pushing the one plan back', async () => {
    let now = 1_000_000;
    const clock = () => now;
    expect(await queueSettlePlan(queues, 'jira', 60_000, clock)).toBe(true);
    const [first] = await planJobs();
    expect(first?.delay).toBe(60_000);

    now += 14_999; // within a quarter: the plan created above starts after this edit
    expect(await queueSettlePlan(queues, 'jira', 60_000, clock)).toBe(false);
    expect((await planJobs()).map((j) => j.id)).toEqual([first?.id]);

    now += 1; // a quarter on: pushed back (replaced), still one plan
    expect(await queueSettlePlan(queues, 'jira', 60_000, clock)).toBe(true);
    const after = await planJobs();
    expect(after).toHaveLength(1);
    expect(after[0]?.id).not.toBe(first?.id);
    expect(after[0]?.timestamp).toBeGreaterThanOrEqual(first?.timestamp ?? Infinity);
    await queues.score.obliterate({ force: true });
  });

  it('gives an edit made while a plan runs a plan of its own, and adds again after it', async () => {
    const other = new QueueSet(redis, prefix, ['jira']); // a fresh process: nothing remembered
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    const connection = redis.duplicate();
    const worker = new Worker(
      SCORE_QUEUE,
      async (job) => {
        ran.push(job.id ?? '');
        if (ran.length === 1) await released;
      },
      { connection, prefix: bullPrefix(prefix), autorun: false },
    );
    try {
      const started = once(worker, 'active');
      worker.run().catch(() => undefined);
      expect(await queueSettlePlan(other, 'jira', 20)).toBe(true);
      await started; // the plan runs, and may have read the ranking before the next edit

      // The add is kept for after the running plan, so this process remembers nothing and the
      // next edit adds again.
      expect(await queueSettlePlan(other, 'jira', 20)).toBe(true);
      expect(await queueSettlePlan(other, 'jira', 20)).toBe(true);
      const second = once(worker, 'completed');
      release();
      await second; // the first plan
      const [job] = (await once(worker, 'completed')) as [Job]; // the one kept for after it
      expect(job.name).toBe(JOB.plan);
      expect(ran).toHaveLength(2);
    } finally {
      await worker.close();
      await other.close();
      await connection.quit();
    }
  });
});
