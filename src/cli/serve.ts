/**
 * `netvalue serve`: HTTP server, workers and scheduler in one process. It starts with a sync of
 * every tracker, then follows the schedule; SIGTERM/SIGINT stop it gracefully. The jobs run in a
 * worker thread of their own by default (`--jobs thread`), so the HTTP server answers while they
 * work; `--jobs inline` runs them on the main thread (one isolate: less memory).
 */
import type { RunningWorkers } from '../../workers/index.js';
import type { Env } from '../config.js';
import type { AppContext } from '../main.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { JobsReporter } from '../server/server-context.js';
import { parseFlags, positiveInt, UsageError } from './args.js';
import type { RunningHttp } from './http.js';
import { applyHeapPolicy } from './heap-policy.js';
import {
  jobThreadNice,
  prepareJobThread,
  type JobThreadOptions,
  type PreparedJobThread,
} from './job-thread.js';
import { lowerOtherThreads } from '../../workers/thread-priority.js';
import { loadConfigOrReport } from './load-config.js';
import { lockOptions } from './lock-options.js';
import type { Io } from './output.js';

/**
 * The service's modules, loaded once the job thread has started loading its own: on two cores
 * both load at once, and `serve` is ready sooner (README "Performance").
 */
async function loadService() {
  const [main, http, scheduler, startup, context] = await Promise.all([
    import('../main.js'),
    import('./http.js'),
    import('../pipeline/scheduler.js'),
    import('../pipeline/startup.js'),
    import('./context.js'),
  ]);
  return {
    createContext: main.createContext,
    offlineConnectors: main.offlineConnectors,
    startHttp: http.startHttp,
    keepSchedules: scheduler.keepSchedules,
    scheduleCheckMs: scheduler.SCHEDULE_CHECK_MS,
    startServing: startup.startServing,
    shutdownSignal: context.shutdownSignal,
  };
}
type Service = Awaited<ReturnType<typeof loadService>>;

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

async function startJobs(
  ctx: PipelineContext,
  options: JobThreadOptions,
  thread: PreparedJobThread | null,
): Promise<RunningJobs> {
  if (thread === null) {
    const { startWorkers } = await import('../../workers/index.js');
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
  const started = await thread.start();
  return {
    running: () => started.running(),
    reporter: started,
    stopped: started.stopped,
    close: (timeoutMs) => started.close(timeoutMs),
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
  // Before the job thread exists and before the service's state is read (README "Memory").
  const heapGrowthPercent = applyHeapPolicy(env);
  const config = loadConfigOrReport(values.config, env, io);
  if (typeof config === 'number') return config;
  const options = {
    concurrency: config.concurrency,
    ...lockOptions(env),
    nice: jobThreadNice(env),
  };
  // Before the job thread starts, the process's other threads are V8's helpers: they compile and
  // collect for the job thread too, so they take its priority (workers/thread-priority.ts).
  const helpers = mode === 'thread' ? lowerOtherThreads(options.nice) : null;
  // The job thread loads its modules and connects while this thread does the same; its workers
  // start only once the HTTP server listens.
  const thread = mode === 'thread' ? prepareJobThread(config, options) : null;
  let service: Service;
  let ctx: AppContext;
  try {
    service = await loadService();
    // With a job thread, this thread only verifies and parses webhooks: its connectors are built
    // from what the thread's learned, and no tracker SDK is loaded here (README "Performance").
    const connectors = thread ? service.offlineConnectors(config, thread.learned()) : null;
    // createContext may fail before it awaits them (Redis unreachable): its error is the one told.
    connectors?.catch(() => undefined);
    ctx = await service.createContext(config, connectors ? { connectors } : {});
  } catch (err) {
    await thread?.abort();
    throw err;
  }
  try {
    return await serveWith(
      service,
      ctx,
      { ...options, heapGrowthPercent, helpers },
      thread,
      shutdownTimeoutMs,
    );
  } finally {
    await ctx.close();
  }
}

/** Listens, starts the jobs and the schedules, and serves until a signal (or the jobs stop). */
async function serveWith(
  service: Service,
  ctx: PipelineContext,
  options: JobThreadOptions & {
    heapGrowthPercent: number;
    helpers: ReturnType<typeof lowerOtherThreads> | null;
  },
  thread: PreparedJobThread | null,
  shutdownTimeoutMs: number,
): Promise<number> {
  // Listen first: a port in use then fails before any worker or scheduler has started.
  let jobs: RunningJobs | null = null;
  let schedules: { stop(): void } | null = null;
  const reporter: JobsReporter = {
    report: async () => (await jobs?.reporter?.report()) ?? { metrics: [], budgets: {} },
    preview: (settings, limit) => jobs?.reporter?.preview?.(settings, limit) ?? null,
  };
  let http: RunningHttp;
  try {
    http = await service.startHttp(
      ctx,
      () => jobs?.running() ?? false,
      thread ? reporter : undefined,
    );
  } catch (err) {
    await thread?.abort();
    throw err;
  }
  try {
    jobs = await startJobs(ctx, options, thread);
    await service.startServing(ctx);
    // Schedules lost with Redis data are re-created; /readyz reports them missing meanwhile.
    schedules = service.keepSchedules(ctx, service.scheduleCheckMs);
    if (options.helpers && 'error' in options.helpers)
      ctx.logger.warn({ err: options.helpers.error }, "V8's helper threads keep their priority");
    ctx.logger.info(
      {
        url: http.url,
        trackers: ctx.config.trackers.map((t) => t.id),
        jobs: thread ? 'thread' : 'inline',
        ...(thread ? { jobThreadNice: options.nice } : {}),
        ...(options.helpers && 'threads' in options.helpers
          ? { helperThreadsLowered: options.helpers.threads }
          : {}),
        heapGrowthPercent: options.heapGrowthPercent,
      },
      'netvalue serving',
    );
    const stop = await Promise.race([service.shutdownSignal(), jobs.stopped]);
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
    if (running) await running.close(shutdownTimeoutMs);
    else await thread?.abort();
  }
}
