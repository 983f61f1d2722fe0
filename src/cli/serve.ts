/**
 * `netvalue serve`: HTTP server, workers and scheduler in one process. It starts with a sync of
 * every tracker, then follows the schedule; SIGTERM/SIGINT stop it gracefully. The jobs run in a
 * worker thread of their own by default (`--jobs thread`), so the HTTP server answers while they
 * work; `--jobs inline` runs them on the main thread (one isolate: less memory).
 */
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import type { Env } from '../config.js';
import type { PipelineContext } from '../pipeline/context.js';
import { keepSchedules, SCHEDULE_CHECK_MS } from '../pipeline/scheduler.js';
import { startServing } from '../pipeline/startup.js';
import { buildServer } from '../server/build-server.js';
import type { JobsReporter } from '../server/server-context.js';
import { parseFlags, positiveInt, UsageError } from './args.js';
import { startJobThread } from './job-thread.js';
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
  jobs?: JobsReporter,
): Promise<RunningHttp> {
  const { host, port } = ctx.config.server;
  const app = await buildServer({ ctx, workersRunning, ...(jobs ? { jobs } : {}) });
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

type JobsMode = 'thread' | 'inline';

function jobsMode(value: string | undefined): JobsMode {
  if (value === undefined || value === 'thread' || value === 'inline') return value ?? 'thread';
  throw new UsageError(`--jobs must be thread or inline, got '${value}'`);
}

/** The jobs of this process, on the main thread or in the job thread. */
interface RunningJobs {
  running(): boolean;
  reporter?: JobsReporter;
  /** Resolves if the jobs stop on their own (the thread failed). */
  stopped: Promise<Error>;
  close(timeoutMs: number): Promise<void>;
}

async function startJobs(ctx: PipelineContext, mode: JobsMode, env: Env): Promise<RunningJobs> {
  const options = { concurrency: ctx.config.concurrency, ...lockOptions(env) };
  if (mode === 'inline') {
    const workers: RunningWorkers = startWorkers(ctx, options);
    let running = true;
    return {
      running: () => running,
      stopped: new Promise<Error>(() => undefined),
      close: async (timeoutMs) => {
        running = false;
        await workers.close(timeoutMs);
      },
    };
  }
  const thread = await startJobThread(ctx.config, options);
  return {
    running: () => thread.running(),
    reporter: {
      report: async () => {
        const metrics = await thread.metrics();
        return {
          metrics,
          budgets: Object.fromEntries(ctx.config.trackers.map((t) => [t.id, thread.budget(t.id)])),
        };
      },
    },
    stopped: thread.stopped,
    close: (timeoutMs) => thread.close(timeoutMs),
  };
}

export async function runServe(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    'shutdown-timeout-ms': { type: 'string' },
    jobs: { type: 'string' },
  });
  const shutdownTimeoutMs = positiveInt(
    values['shutdown-timeout-ms'],
    '--shutdown-timeout-ms',
    10_000,
  );
  const mode = jobsMode(values.jobs);
  return withContext(values.config, env, io, async (ctx) => {
    // Listen first: a port in use then fails before any worker or scheduler has started.
    let jobs: RunningJobs | null = null;
    let schedules: { stop(): void } | null = null;
    const reporter: JobsReporter = {
      report: async () => (await jobs?.reporter?.report()) ?? { metrics: [], budgets: {} },
    };
    const http = await startHttp(
      ctx,
      () => jobs?.running() ?? false,
      mode === 'thread' ? reporter : undefined,
    );
    try {
      jobs = await startJobs(ctx, mode, env);
      await startServing(ctx);
      // Schedules lost with Redis data are re-created; /readyz reports them missing meanwhile.
      schedules = keepSchedules(ctx, SCHEDULE_CHECK_MS);
      ctx.logger.info(
        { url: http.url, trackers: ctx.config.trackers.map((t) => t.id), jobs: mode },
        'netvalue serving',
      );
      const stop = await Promise.race([shutdownSignal(), jobs.stopped]);
      if (stop instanceof Error) {
        // Serving webhooks nobody processes would only pile up jobs: stop, and let the
        // supervisor (Docker, systemd, Kubernetes) start serve again.
        ctx.logger.error({ err: stop.message }, 'the jobs stopped; shutting down');
        return 1;
      }
      ctx.logger.info(
        { signal: stop },
        'shutting down: no new requests or jobs; finishing running ones',
      );
      return 0;
    } finally {
      schedules?.stop();
      const running = jobs;
      jobs = null;
      await http.close();
      await running?.close(shutdownTimeoutMs);
    }
  });
}
