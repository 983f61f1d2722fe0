/** Counts shared by /admin/status and /metrics: jobs per queue and state, issues per status. */
import type { Queue } from 'bullmq';
import type { ScoreStatus } from '../domain/index.js';
import type { PipelineContext } from '../pipeline/context.js';

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

export type IssueCounts = Record<ScoreStatus, number> & { total: number };

/**
 * Issues per status for each tracker. Reads every stored record (O(issues)): fine for an admin
 * page and a scrape every few seconds at tens of thousands of issues; past that, keep counters.
 */
export async function issueCounts(ctx: PipelineContext): Promise<Map<string, IssueCounts>> {
  const out = new Map<string, IssueCounts>();
  await Promise.all(
    ctx.config.trackers.map(async (t) => {
      const counts: IssueCounts = { total: 0, scored: 0, unscored: 0, invalid: 0 };
      for (const record of await ctx.store.all(t.id)) {
        counts[record.result.status] += 1;
        counts.total += 1;
      }
      out.set(t.id, counts);
    }),
  );
  return out;
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
