/**
 * `netvalue serve`: HTTP server, workers and scheduler in one process. It starts with a sync of
 * every tracker, then follows the schedule; SIGTERM/SIGINT stop it gracefully.
 */
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import type { Env } from '../config.js';
import type { PipelineContext } from '../pipeline/context.js';
import { keepSchedules, SCHEDULE_CHECK_MS } from '../pipeline/scheduler.js';
import { startServing } from '../pipeline/startup.js';
import { buildServer } from '../server/build-server.js';
import { parseFlags, positiveInt } from './args.js';
import { shutdownSignal, withContext } from './context.js';
import type { Io } from './output.js';
import { lockOptions } from './worker.js';

export interface RunningHttp {
  url: string;
  close(): Promise<void>;
}

/** Listens on `server.host:port`; throws one line (`cannot listen on ...`) with nothing left open. */
export async function startHttp(
  ctx: PipelineContext,
  workersRunning: () => boolean,
): Promise<RunningHttp> {
  const { host, port } = ctx.config.server;
  const app = await buildServer({ ctx, workersRunning });
  try {
    const address = await app.listen({ host, port });
    return { url: address.replace('[::1]', 'localhost'), close: () => app.close() };
  } catch (err) {
    await app.close();
    throw new Error(`cannot listen on ${host}:${port}: ${listenReason(err)}`, { cause: err });
  }
}

function listenReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return 'address in use';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'no such address on this machine';
  return err instanceof Error ? err.message : String(err);
}

export async function runServe(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, { 'shutdown-timeout-ms': { type: 'string' } });
  const shutdownTimeoutMs = positiveInt(
    values['shutdown-timeout-ms'],
    '--shutdown-timeout-ms',
    10_000,
  );
  return withContext(values.config, env, io, async (ctx) => {
    // Listen first: a port in use then fails before any worker or scheduler has started.
    let workers: RunningWorkers | null = null;
    let schedules: { stop(): void } | null = null;
    const http = await startHttp(ctx, () => workers !== null);
    try {
      workers = startWorkers(ctx, { concurrency: ctx.config.concurrency, ...lockOptions(env) });
      await startServing(ctx);
      // Schedules lost with Redis data are re-created; /readyz reports them missing meanwhile.
      schedules = keepSchedules(ctx, SCHEDULE_CHECK_MS);
      ctx.logger.info(
        { url: http.url, trackers: ctx.config.trackers.map((t) => t.id) },
        'netvalue serving',
      );
      const signal = await shutdownSignal();
      ctx.logger.info({ signal }, 'shutting down: no new requests or jobs; finishing running ones');
      return 0;
    } finally {
      schedules?.stop();
      const running = workers;
      workers = null;
      await http.close();
      await running?.close(shutdownTimeoutMs);
    }
  });
}
