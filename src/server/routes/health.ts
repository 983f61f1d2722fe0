/**
 * Liveness, readiness and Prometheus metrics. None of them needs the admin token: probes and
 * scrapers run without credentials (as most exporters do), so nothing here is secret: counts and
 * timings only, never issue data, and readiness says only ok / not ok per check. Why a check
 * failed (Redis's error names its host and port) is behind the token: `GET /admin/readyz`.
 */
import { z } from 'zod';
import { keepsSchedules, scheduleStatus } from '../../pipeline/scheduler.js';
import type { JobsReporter, ServerContext } from '../server-context.js';
import { issueCounts, jobCounts, JOB_STATES, withTimeout } from '../queue-stats.js';
import type { ZodPlugin } from '../validation.js';

const PROBE_TIMEOUT_MS = 1_000;
const REFRESH_TIMEOUT_MS = 2_000;

const Ready = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    redis: z.enum(['ok', 'failed']),
    workers: z.enum(['ok', 'not running']),
    schedules: z
      .enum(['ok', 'missing', 'failed'])
      .optional()
      .describe('only in a process that keeps the sync schedules (serve)'),
  }),
});

/** Readiness with the reasons (admin only): each check is `ok` or says what failed. */
export const ReadyDetails = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    redis: z.string(),
    workers: z.string(),
    schedules: z.string().optional(),
  }),
});
export type ReadyDetails = z.infer<typeof ReadyDetails>;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The readiness checks with their reasons: Redis answers PING, the workers run, and, in a process
 * that keeps the sync schedules (`keepSchedules`), every tracker's schedules exist.
 */
export async function readiness(
  ctx: ServerContext,
  workersRunning: () => boolean,
): Promise<ReadyDetails> {
  const redis = await withTimeout(ctx.health.ping(), PROBE_TIMEOUT_MS, 'Redis PING').then(
    () => 'ok',
    (err: unknown) => `failed: ${message(err)}`,
  );
  const workers = workersRunning() ? 'ok' : 'not running';
  const checks: ReadyDetails['checks'] = { redis, workers };
  if (keepsSchedules(ctx)) {
    checks.schedules = await withTimeout(scheduleStatus(ctx), PROBE_TIMEOUT_MS, 'schedule check')
      .then((all) => {
        const missing = [...all].flatMap(([trackerId, s]) => [
          ...(s.incremental ? [] : [`${trackerId} incremental`]),
          ...(s.full ? [] : [`${trackerId} full`]),
        ]);
        return missing.length === 0 ? 'ok' : `missing: ${missing.join(', ')}`;
      })
      .catch((err: unknown) => `failed: ${message(err)}`);
  }
  const ready = Object.values(checks).every((c) => c === 'ok');
  return { status: ready ? 'ready' : 'not_ready', checks };
}

/** The open answer: ok or a generic word per check, never the reason. */
function withoutReasons(details: ReadyDetails): z.infer<typeof Ready> {
  const word = (check: string): 'ok' | 'failed' => (check === 'ok' ? 'ok' : 'failed');
  const { redis, workers, schedules } = details.checks;
  return {
    status: details.status,
    checks: {
      redis: word(redis),
      workers: workers === 'ok' ? 'ok' : 'not running',
      ...(schedules === undefined
        ? {}
        : { schedules: schedules.startsWith('missing') ? 'missing' : word(schedules) }),
    },
  };
}

export interface HealthRoutesOptions {
  ctx: ServerContext;
  workersRunning: () => boolean;
  jobs?: JobsReporter | undefined;
}

export const healthRoutes: ZodPlugin<HealthRoutesOptions> = (
  app,
  { ctx, workersRunning, jobs },
  done,
) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: Redis answers PING, the workers run, the sync schedules exist',
        description:
          'Each check is ok or a generic word; the reasons are at GET /admin/readyz (admin token).',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const details = await readiness(ctx, workersRunning);
      return reply.code(details.status === 'ready' ? 200 : 503).send(withoutReasons(details));
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format, version 0.0.4)',
      },
    },
    async (request, reply) => {
      await withTimeout(refreshGauges(ctx), REFRESH_TIMEOUT_MS, 'metrics refresh').catch(
        (err: unknown) =>
          // Counters and histograms are still worth serving; the gauges keep their last values.
          request.log.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'metrics refresh failed',
          ),
      );
      const extra = jobs ? (await jobs.report()).metrics : [];
      const { registry } = ctx.metrics;
      return reply.type(registry.contentType).send(await ctx.metrics.render(extra));
    },
  );
  done();
};

/** Gauges that are read from Redis at scrape time rather than kept in step with every job. */
async function refreshGauges(ctx: ServerContext): Promise<void> {
  const [queues, issues] = await Promise.all([
    Promise.all(ctx.queues.all().map(async (q) => [q.name, await jobCounts(q)] as const)),
    issueCounts(ctx),
  ]);
  for (const [queue, counts] of queues) {
    for (const state of JOB_STATES) ctx.metrics.jobs.set({ queue, state }, counts[state]);
  }
  for (const status of ['scored', 'unscored', 'invalid'] as const) {
    let n = 0;
    for (const counts of issues.values()) n += counts[status];
    ctx.metrics.issues.set({ status }, n);
  }
}
