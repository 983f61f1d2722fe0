/**
 * `GET /admin/status`: per tracker its latest run, issue counts, queue, API budget, failures and
 * whether its sync schedules exist. `GET /admin/readyz`: readiness with the reason of each check.
 */
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { TRACKER_KINDS } from '../../../connectors/registry.js';
import { scheduleStatus } from '../../pipeline/scheduler.js';
import { DigestStatusSchema } from '../../store/review-store.js';
import { BEARER } from '../openapi.js';
import { issueCounts, jobCounts } from '../queue-stats.js';
import { QueueStatus, RateBudgetSchema, RunSummarySchema } from '../schemas.js';
import type { ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';
import { readiness, ReadyDetails } from './health.js';

const Counts = z.object({
  total: z.number(),
  scored: z.number(),
  unscored: z.number(),
  invalid: z.number(),
});

const Status = z.object({
  settingsHash: z.string().describe('identifies the scoring settings in force'),
  workersRunning: z.boolean(),
  trackers: z.array(
    z.object({
      trackerId: z.string(),
      kind: z.enum(TRACKER_KINDS),
      latestRun: RunSummarySchema.nullable(),
      issues: Counts,
      queue: QueueStatus,
      budget: RateBudgetSchema.nullable().describe('API budget left, when the tracker reports it'),
      failures: z.number().describe('issues whose last write failed'),
      schedules: z
        .object({ incremental: z.boolean(), full: z.boolean() })
        .describe('whether each periodic sync schedule exists (serve re-creates missing ones)'),
    }),
  ),
  scoreQueue: QueueStatus,
  reviewDigest: DigestStatusSchema.extend({
    configured: z.boolean().describe('whether reviews.webhookUrl is set'),
    everySec: z.number().int(),
  }).describe('the scheduled review digest: its last deliveries and failures'),
});

async function queueStatus(queue: Queue): Promise<z.infer<typeof QueueStatus>> {
  const [counts, paused, ttl] = await Promise.all([
    jobCounts(queue),
    queue.isPaused(),
    queue.getRateLimitTtl(),
  ]);
  // BullMQ answers a negative TTL when no rate-limit key exists.
  return { name: queue.name, counts, paused, rateLimitTtlMs: Math.max(0, ttl) };
}

export const adminStatusRoutes: ZodPlugin<AdminRoutesOptions> = (
  app,
  { ctx, workersRunning, jobs },
  done,
) => {
  app.get(
    '/admin/status',
    {
      schema: {
        tags: ['admin'],
        summary: 'Status of every tracker: latest run, issues, queue, API budget, failures',
        security: BEARER,
        response: { 200: Status },
      },
    },
    async () => {
      const [latest, counts, failures, scoreQueue, schedules, digest, report] = await Promise.all([
        ctx.runs.latestRuns(),
        issueCounts(ctx),
        ctx.meta.failures(),
        queueStatus(ctx.queues.score),
        scheduleStatus(ctx),
        ctx.reviews.digestStatus(),
        // Jobs in a thread (serve): its connectors make the calls, so they know the budgets.
        jobs?.report() ?? null,
      ]);
      const trackers = await Promise.all(
        ctx.config.trackers.map(async (t) => {
          const runId = latest[t.id];
          const [latestRun, queue] = await Promise.all([
            runId ? ctx.runs.summary(runId) : null,
            queueStatus(ctx.queues.tracker(t.id)),
          ]);
          return {
            trackerId: t.id,
            kind: t.kind,
            latestRun,
            issues: counts.get(t.id) ?? { total: 0, scored: 0, unscored: 0, invalid: 0 },
            queue,
            budget: report
              ? (report.budgets[t.id] ?? null)
              : (ctx.connectors.get(t.id)?.budget() ?? null),
            failures: failures.filter((f) => f.trackerId === t.id).length,
            schedules: schedules.get(t.id) ?? { incremental: false, full: false },
          };
        }),
      );
      return {
        settingsHash: ctx.settingsHash,
        workersRunning: workersRunning(),
        trackers,
        scoreQueue,
        reviewDigest: {
          ...digest,
          configured: ctx.config.reviews.webhookUrl !== undefined,
          everySec: ctx.config.reviews.everySec,
        },
      };
    },
  );
  app.get(
    '/admin/readyz',
    {
      schema: {
        tags: ['admin'],
        summary: 'Readiness with the reason of each failed check (the open /readyz omits them)',
        security: BEARER,
        response: { 200: ReadyDetails, 503: ReadyDetails },
      },
    },
    async (_request, reply) => {
      const details = await readiness(ctx, workersRunning);
      return reply.code(details.status === 'ready' ? 200 : 503).send(details);
    },
  );
  done();
};
