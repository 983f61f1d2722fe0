/**
 * Helpers for the review-mode tests: the admin plan routes and events to await (a plan job, the
 * jobs an approval queued) without sleeping.
 */
import type { Job, Worker } from 'bullmq';
import type { PlanView } from '../../src/pipeline/review-plans.js';
import { trackerQueueName, SCORE_QUEUE } from '../../src/queues.js';
import type { ServerHarness } from './server-harness.js';

export interface ErrorAnswer {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

export function workerOf(h: ServerHarness, queue: string): Worker {
  const worker = h.workers?.workers.find((w) => w.name === queue);
  if (!worker) throw new Error(`no worker for queue ${queue}`);
  return worker;
}

/** Resolves when `n` jobs matching `match` completed on the queue's worker in this process. */
export function completed(
  h: ServerHarness,
  queue: string,
  match: (job: Job) => boolean,
  n = 1,
): Promise<void> {
  const worker = workerOf(h, queue);
  let seen = 0;
  return new Promise((resolve) => {
    const on = (job: Job) => {
      if (!match(job) || ++seen < n) return;
      worker.off('completed', on);
      resolve();
    };
    worker.on('completed', on);
  });
}

/** The next plan job of a tracker that no sync run started (a webhook's, debounced). */
export function webhookPlanDone(h: ServerHarness, trackerId: string): Promise<void> {
  return completed(
    h,
    SCORE_QUEUE,
    (job) =>
      job.name === 'plan' &&
      (job.data as { trackerId: string; runId: string | null }).trackerId === trackerId &&
      (job.data as { runId: string | null }).runId === null,
  );
}

/** The `n` jobs an approval queued for a tracker (their ids start with `approve-`). */
export function approvedJobsDone(h: ServerHarness, trackerId: string, n: number): Promise<void> {
  return completed(
    h,
    trackerQueueName(trackerId),
    (job) => job.id?.startsWith('approve-') ?? false,
    n,
  );
}

export function planRoutes(h: ServerHarness) {
  const get = (url: string) => h.inject({ method: 'GET', url, headers: h.admin });
  const post = (url: string, payload?: Record<string, unknown>) =>
    h.inject({
      method: 'POST',
      url,
      headers: h.admin,
      ...(payload === undefined ? {} : { payload }),
    });
  return {
    get,
    post,
    async plan(trackerId: string): Promise<PlanView> {
      const res = await get(`/admin/plans?trackerId=${trackerId}`);
      if (res.statusCode !== 200)
        throw new Error(`GET /admin/plans: ${res.statusCode} ${res.body}`);
      const [plan, ...more] = res.json<{ plans: PlanView[] }>().plans;
      if (!plan || more.length > 0) throw new Error(`expected one plan: ${res.body}`);
      return plan;
    },
  };
}

export const errorOf = (res: { json<T>(): T }): ErrorAnswer =>
  res.json<{ error: ErrorAnswer }>().error;
