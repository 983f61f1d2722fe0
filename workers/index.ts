/**
 * Starts the BullMQ workers of one process: the shared score queue and one queue per tracker.
 * Workers stay thin: the catalog (workers/catalog.ts) maps each job name to its payload schema
 * and processor; the dispatcher here validates the payload once, before the processor runs.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { TrackerBusyError } from '../src/pipeline/job-errors.js';
import type { PipelineContext } from '../src/pipeline/context.js';
import { bullPrefix, SCORE_QUEUE, trackerBullPrefix, trackerQueueName } from '../src/queues.js';
import { workerConnection } from '../src/redis-connect.js';
import { JOB_CATALOG, type JobDefinition } from './catalog.js';

/** How many times a job may be picked up again after its worker died. */
const MAX_STALLS = 10;

/**
 * Runs one job: an unknown name or a payload that does not match its schema fails at once as
 * unrecoverable (retrying cannot fix it), with the job, field and problem named.
 */
export function dispatch(ctx: PipelineContext, queue: JobDefinition['queue']) {
  return async (job: Job, token?: string): Promise<unknown> => {
    const definition = JOB_CATALOG[job.name];
    if (!definition || definition.queue !== queue) {
      throw new UnrecoverableError(`unknown job '${job.name}' on queue '${job.queueName}'`);
    }
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`)
        .join('; ');
      throw new UnrecoverableError(`invalid ${job.name} job payload: ${problems}`);
    }
    try {
      return await definition.process(ctx, parsed.data, job);
    } catch (err) {
      if (!(err instanceof TrackerBusyError) || token === undefined) throw err;
      // Waits in the delayed set, not in a worker slot; no attempt is used (job-errors.ts).
      ctx.logger.debug(
        { jobId: job.id, job: job.name, trackerId: err.trackerId, waitMs: err.waitMs },
        'job waits for its tracker outside the worker',
      );
      await job.moveToDelayed(Date.now() + err.waitMs, token);
      throw new DelayedError();
    }
  };
}

export interface WorkerOptions {
  /** Jobs in flight per queue in this process. */
  concurrency: number;
  /** How long a job's lock lasts without renewal; a killed worker's jobs return after it. */
  lockDurationMs?: number;
  /** How often stalled jobs (from dead workers) are looked for. */
  stalledIntervalMs?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), closes connections. */
  close(timeoutMs?: number): Promise<void>;
}

export function startWorkers(ctx: PipelineContext, options: WorkerOptions): RunningWorkers {
  // A single Redis or a cluster: each queue's keys share a hash tag (src/queues.ts).
  const connection = workerConnection(ctx.workerConnection);
  const common = {
    connection,
    ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
    ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
    // A job whose worker died is handed to another (every processor is safe to run again). BullMQ
    // fails it for good after one such stall by default: a sync page lost that way left its run
    // open until the run lock lapsed (soak, workers killed every 40 s).
    maxStalledCount: MAX_STALLS,
  };
  const workers = [
    new Worker(SCORE_QUEUE, dispatch(ctx, 'score'), {
      ...common,
      prefix: bullPrefix(ctx.config.redisPrefix),
      concurrency: options.concurrency,
    }),
    ...ctx.config.trackers.map(
      (t) =>
        new Worker(trackerQueueName(t.id), dispatch(ctx, 'tracker'), {
          ...common,
          prefix: trackerBullPrefix(ctx.config.redisPrefix, t.id),
          concurrency: options.concurrency,
          // A limiter must be set for queue.rateLimit() (our 429 pause) to take effect; the real
          // write rate is the Redis rate limiter in write-issues.ts.
          limiter: { max: 100_000, duration: 1000 },
          // 429 pauses do not consume attempts; this bounds a tracker that never stops saying 429.
          maxStartedAttempts: 50,
        }),
    ),
  ];
  for (const worker of workers) {
    worker.on('failed', (job, err) => {
      ctx.logger.warn(
        {
          queue: worker.name,
          job: job?.name,
          jobId: job?.id,
          attempts: job?.attemptsMade,
          err: err.message,
        },
        'job failed',
      );
    });
    worker.on('error', (err) =>
      ctx.logger.error({ queue: worker.name, err: err.message }, 'worker error'),
    );
  }
  return {
    workers,
    async close(timeoutMs = 10_000) {
      const graceful = Promise.all(workers.map((w) => w.close()));
      if ((await within(graceful, timeoutMs)) === 'timeout') {
        ctx.logger.warn(
          { timeoutMs },
          'jobs still running at shutdown; closing anyway (they will be retried)',
        );
        // close(true) would return the close already under way (BullMQ), which can wait for good
        // on a blocking read to a Redis Cluster node that failed over: cut the connections.
        await within(Promise.all(workers.map((w) => w.disconnect())), CUT_GRACE_MS);
        await within(graceful, CUT_GRACE_MS);
      }
      if (
        (await within(
          connection.quit().catch(() => undefined),
          CUT_GRACE_MS,
        )) === 'timeout'
      )
        connection.disconnect();
    },
  };
}

/** How long closing may take once the connections are cut. */
const CUT_GRACE_MS = 2000;

/** Whether `promise` settled within `ms` (its rejection counts as settled). */
async function within(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
