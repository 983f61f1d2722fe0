/**
 * Failures: issues whose last write failed (kept until a later write succeeds), the failures of
 * each tracker's latest sync run (a pull that failed, a sync that was skipped, a write) and
 * failed BullMQ jobs; `POST /admin/failed/retry` moves every failed job back to waiting.
 */
import type { Job } from 'bullmq';
import { z } from 'zod';
import { BEARER } from '../openapi.js';
import { FailureSchema, RunFailureEntrySchema } from '../schemas.js';
import type { ServerContext } from '../server-context.js';
import type { ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';

/** Failed jobs listed per queue; the rest are counted in GET /admin/status. */
const MAX_FAILED_JOBS_PER_QUEUE = 100;

const FailedJob = z.object({
  queue: z.string(),
  id: z.string().nullable(),
  name: z.string(),
  failedReason: z.string(),
  attemptsMade: z.number(),
  finishedOn: z.number().nullable(),
  data: z.object({
    trackerId: z.string().nullable(),
    issueCount: z.number().int().describe('issues the job carried (pages, writes, rank moves)'),
  }),
});

/** Enough of a job's payload to tell what it was about (payloads can hold whole pages of issues). */
export function summarizeJobData(data: unknown): z.infer<typeof FailedJob>['data'] {
  const d = asRecord(data);
  const list = [d['issues'], d['issueIds'], d['ids']].find(Array.isArray) as unknown[] | undefined;
  // A rank job carries batches of moved issues.
  const batches = Array.isArray(d['batches']) ? d['batches'] : null;
  const inBatches = batches?.reduce<number>((n, b) => {
    const ids = asRecord(b)['ids'];
    return n + (Array.isArray(ids) ? ids.length : 0);
  }, 0);
  return {
    trackerId: typeof d['trackerId'] === 'string' ? d['trackerId'] : null,
    issueCount: list?.length ?? inBatches ?? (typeof d['issueId'] === 'string' ? 1 : 0),
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function failedJob(queue: string, job: Job): z.infer<typeof FailedJob> {
  return {
    queue,
    id: job.id ?? null,
    name: job.name,
    failedReason: job.failedReason,
    attemptsMade: job.attemptsMade,
    finishedOn: job.finishedOn ?? null,
    data: summarizeJobData(job.data),
  };
}

/** The failures of each tracker's latest run (the run summary's `failures`, with its run id). */
async function latestRunFailures(
  ctx: Pick<ServerContext, 'runs'>,
): Promise<z.infer<typeof RunFailureEntrySchema>[]> {
  const latest = Object.entries(await ctx.runs.latestRuns()).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const summaries = await Promise.all(latest.map(([, runId]) => ctx.runs.summary(runId)));
  return summaries.flatMap((s) =>
    s === null
      ? []
      : s.failures.map((f) => ({
          trackerId: f.trackerId,
          runId: s.runId,
          key: f.key,
          message: f.message,
        })),
  );
}

export const adminFailedRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx }, done) => {
  app.get(
    '/admin/failed',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Issues whose last write failed, each tracker's latest sync failures, and failed jobs",
        security: BEARER,
        response: {
          200: z.object({
            issues: z
              .array(FailureSchema)
              .describe('issues whose last write failed; a retried or later write clears them'),
            runFailures: z
              .array(RunFailureEntrySchema)
              .describe(
                "the failures of each tracker's latest sync run (its summary's failures): pages " +
                  'that could not be pulled, a sync skipped because another was running, writes',
              ),
            jobs: z.array(FailedJob),
          }),
        },
      },
    },
    async () => {
      const [issues, runFailures, perQueue] = await Promise.all([
        ctx.meta.failures(),
        latestRunFailures(ctx),
        Promise.all(
          ctx.queues.all().map(async (queue) => {
            const jobs = (await queue.getFailed(0, MAX_FAILED_JOBS_PER_QUEUE - 1)) as Job[];
            return jobs.map((job) => failedJob(queue.name, job));
          }),
        ),
      ]);
      return { issues, runFailures, jobs: perQueue.flat() };
    },
  );

  app.post(
    '/admin/failed/retry',
    {
      schema: {
        tags: ['admin'],
        summary: 'Retry every failed job (each queue moves its failed jobs back to waiting)',
        security: BEARER,
        response: {
          202: z.object({
            retriedQueues: z.array(
              z.object({
                queue: z.string(),
                jobs: z.number().int().describe('failed jobs retried'),
              }),
            ),
            failedIssues: z
              .number()
              .int()
              .describe('issues whose last write failed; a retried or later write clears them'),
          }),
        },
      },
    },
    async (request, reply) => {
      const retriedQueues = [];
      for (const queue of ctx.queues.all()) {
        const jobs = await queue.getFailedCount();
        if (jobs === 0) continue;
        await queue.retryJobs({ state: 'failed' });
        retriedQueues.push({ queue: queue.name, jobs });
      }
      const failedIssues = (await ctx.meta.failures()).length;
      request.log.info({ retriedQueues, failedIssues }, 'failed jobs retried (admin)');
      return reply.code(202).send({ retriedQueues, failedIssues });
    },
  );
  done();
};
