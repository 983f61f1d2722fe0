/**
 * The job thread of `netvalue serve` (src/cli/job-thread.ts starts it): the same workers as
 * `netvalue worker`, with a context of their own, in a thread of the serve process. Parsing,
 * scoring and planning then never hold up the event loop that answers webhooks (README
 * "Performance"). It builds its context first and starts its workers when told to; it answers the
 * main thread's questions (metrics, rate budgets), computes the admin API's previews (they read
 * and re-score every stored issue) and stops its workers gracefully when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { Config } from '../src/config.js';
import type { ScoringSettings } from '../src/domain/index.js';
import { createContext } from '../src/main.js';
import { connectorFor } from '../src/pipeline/context.js';
import { previewStored } from '../src/server/preview-stored.js';
import { startWorkers, type RunningWorkers } from './index.js';
import { lowerThreadPriority } from './thread-priority.js';

const ThreadData = z.object({
  config: z.record(z.string(), z.unknown()),
  concurrency: z.number().int().positive(),
  lockDurationMs: z.number().int().positive().optional(),
  stalledIntervalMs: z.number().int().positive().optional(),
  nice: z.number().int().min(0).max(19),
});

const Request = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('report'), id: z.number() }),
  // Settings the main thread validated (Scoring) and merged; structured cloning keeps them as is.
  z.object({
    type: z.literal('preview'),
    id: z.number(),
    settings: z.record(z.string(), z.unknown()),
    limit: z.number().int().nonnegative().optional(),
  }),
  z.object({ type: z.literal('close'), timeoutMs: z.number().int().positive() }),
]);

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('workers/job-thread.ts runs as a worker thread only');
  const data = ThreadData.parse(workerData);
  // The config was loaded and validated by the main thread; structured cloning keeps it as is.
  // This thread answers no HTTP: its Redis writes wait for the end of each loop turn.
  const ctx = await createContext(data.config as unknown as Config, { coalesce: 'turn' });
  const priority = lowerThreadPriority(data.nice);
  if ('error' in priority)
    ctx.logger.warn({ err: priority.error }, 'job thread: its priority could not be lowered');
  else ctx.logger.debug(priority, 'job thread priority');
  let workers: RunningWorkers | null = null;
  port.on('message', (raw: unknown) => {
    const msg = Request.safeParse(raw);
    if (!msg.success) {
      ctx.logger.warn({ err: msg.error.message }, 'job thread: unknown message ignored');
      return;
    }
    if (msg.data.type === 'start') {
      workers ??= startWorkers(ctx, {
        concurrency: data.concurrency,
        ...(data.lockDurationMs ? { lockDurationMs: data.lockDurationMs } : {}),
        ...(data.stalledIntervalMs ? { stalledIntervalMs: data.stalledIntervalMs } : {}),
      });
      port.postMessage({ type: 'ready' });
      return;
    }
    if (msg.data.type === 'report') {
      const { id } = msg.data;
      void ctx.metrics.registry.getMetricsAsJSON().then((metrics) => {
        const budgets = Object.fromEntries(
          [...ctx.connectors].map(([trackerId, c]) => [trackerId, c.budget()]),
        );
        port.postMessage({ type: 'report', id, metrics, budgets });
      });
      return;
    }
    if (msg.data.type === 'preview') {
      const { id, settings, limit } = msg.data;
      const next = settings as unknown as ScoringSettings;
      const started = Date.now();
      previewStored(
        ctx,
        next,
        (t) => connectorFor(ctx, t),
        ctx.settings,
        limit === undefined ? {} : { limit },
      )
        .then((preview) => {
          const { changedCount, unchangedCount } = preview;
          ctx.logger.info(
            { changedCount, issues: changedCount + unchangedCount, ms: Date.now() - started },
            'preview computed in the job thread',
          );
          port.postMessage({ type: 'preview', id, preview });
        })
        .catch((err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          ctx.logger.warn({ err: message }, 'preview failed in the job thread');
          port.postMessage({ type: 'preview', id, error: message });
        });
      return;
    }
    void (workers?.close(msg.data.timeoutMs) ?? Promise.resolve())
      .then(() => ctx.close())
      .finally(() => port.postMessage({ type: 'closed' }));
  });
  // serve's HTTP thread builds offline connectors from what these learned (src/main.ts).
  const learned = Object.fromEntries([...ctx.connectors].map(([id, c]) => [id, c.learned]));
  port.postMessage({ type: 'prepared', learned });
}

main().catch((err: unknown) => {
  // The main thread reports it (with the reason) and stops serve.
  parentPort?.postMessage({
    type: 'failed',
    message: err instanceof Error ? err.message : String(err),
  });
});
