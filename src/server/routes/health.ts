/**
 * Liveness, readiness and Prometheus metrics. None of them needs the admin token: probes and
 * scrapers run without credentials (as most exporters do), and nothing here is secret — counts
 * and timings only, never issue data.
 */
import { z } from 'zod';
import type { ServerContext } from '../server-context.js';
import { issueCounts, jobCounts, JOB_STATES, withTimeout } from '../queue-stats.js';
import type { ZodPlugin } from '../validation.js';

const PROBE_TIMEOUT_MS = 1_000;
const REFRESH_TIMEOUT_MS = 2_000;

const Ready = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ redis: z.string(), workers: z.string() }),
});

export interface HealthRoutesOptions {
  ctx: ServerContext;
  workersRunning: () => boolean;
}

export const healthRoutes: ZodPlugin<HealthRoutesOptions> = (
  app,
  { ctx, workersRunning },
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
        summary: 'Readiness: Redis answers PING and the workers run',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_request, reply) => {
      const redis = await withTimeout(ctx.health.ping(), PROBE_TIMEOUT_MS, 'Redis PING').then(
        () => 'ok',
        (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      const workers = workersRunning() ? 'ok' : 'not running';
      const ready = redis === 'ok' && workers === 'ok';
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: { redis, workers } });
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
      const { registry } = ctx.metrics;
      return reply.type(registry.contentType).send(await registry.metrics());
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
