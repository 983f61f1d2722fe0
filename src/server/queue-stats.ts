/** Counts shared by /admin/status and /metrics: jobs per queue and state, issues per status. */
import type { Queue } from 'bullmq';
import type { ServerContext } from './server-context.js';
import type { StatusCounts } from '../store/issue-store.js';

export const JOB_STATES = [
  'wait',
  'active',
  'delayed',
  'prioritized',
  'failed',
  'completed',
] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobCounts = Record<JobState, number>;

export async function jobCounts(queue: Queue): Promise<JobCounts> {
  const counts = await queue.getJobCounts(...JOB_STATES);
  return Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as JobCounts;
}

/** Issues per status for each tracker (counts the store keeps on every save: no scan). */
export async function issueCounts(ctx: ServerContext): Promise<Map<string, StatusCounts>> {
  const entries = await Promise.all(
    ctx.config.trackers.map(async (t) => [t.id, await ctx.store.counts(t.id)] as const),
  );
  return new Map(entries);
}

/** Rejects after `ms` (Redis commands wait for a reconnect forever: probes must not). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
