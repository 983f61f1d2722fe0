/**
 * `netvalue serve` runs its jobs in a worker thread (workers/job-thread.ts): the main thread only
 * answers HTTP, so a webhook is acknowledged while a plan over 100,000 issues or a burst of score
 * jobs runs (README "Performance"). This is the main thread's side: start, ask for the thread's
 * metrics and rate budgets, have it compute previews, stop.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { RateBudget } from '../../connectors/connector.js';
import type { Config, Env } from '../config.js';
import type { ScoringSettings } from '../domain/index.js';
import type { MetricsJson } from '../metrics.js';
import type { Preview } from '../server/preview.js';
import type { JobsReporter } from '../server/server-context.js';
import { envWholeNumber } from './args.js';

export interface JobThreadOptions {
  concurrency: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** The thread's nice value (0-19; JOB_THREAD_NICE unless given). */
  nice?: number;
}

export interface JobThread extends JobsReporter {
  /** Whether the thread's workers run (false once it stopped or failed). */
  running(): boolean;
  /** The heap limits Node applied to the thread (empty once it stopped). */
  resourceLimits(): ResourceLimits;
  /** Resolves with the reason when the thread stops on its own (it should not). */
  readonly stopped: Promise<Error>;
  /** A preview computed in the thread; null once it stopped. Not bounded in time (1,000,000 issues: about a minute). */
  preview(settings: ScoringSettings, limit: number | undefined): Promise<Preview> | null;
  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), ends the thread. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * The job thread's young generation (V8's nursery), in MB: 24 where V8 picks 48. Its plans and
 * score jobs allocate fast, and V8 grows the nursery's semi-spaces to their most (16 MB each) and
 * keeps them. Under the heap policy (heap-policy.ts; measured at 30 % growth), `serve` with 100,000
 * issues peaked at about 245 MB against 267 with V8's nursery, and its plans took as long; 12 MB
 * made them slower (README "Performance"). The old generation keeps V8's limit: no heap cap.
 */
export const JOB_THREAD_YOUNG_GENERATION_MB = 24;

/**
 * The job thread's nice value: 10, where the HTTP thread keeps 0. With both threads, the sandboxes'
 * and the webhook sender's on two cores, the webhook ack p99 was 34-43 ms against 46-67 at 0 and
 * the service's own 17-23 against 25-29 (six runs each), the writes no later (README
 * "Performance"). `serve` gives V8's helper threads the same value (workers/thread-priority.ts).
 * Linux only; in a container, nice orders only the container's own threads.
 */
export const JOB_THREAD_NICE = 10;

/** `NETVALUE_JOB_THREAD_NICE` (0 keeps the HTTP thread's priority), else JOB_THREAD_NICE. */
export function jobThreadNice(env: Env): number {
  return envWholeNumber(env, 'NETVALUE_JOB_THREAD_NICE', {
    min: 0,
    max: 19,
    fallback: JOB_THREAD_NICE,
    zero: "the HTTP thread's priority",
  });
}

/** How long a report (metrics, budgets) may take before /metrics answers without it. */
const REPORT_TIMEOUT_MS = 2000;

/** `true` in the bundle (scripts/bundle.js defines it); not defined anywhere else. */
declare const NETVALUE_BUNDLE: boolean | undefined;

/**
 * The build runs the compiled entry: in the bundle, this code sits in a chunk at the bundle's
 * root, next to `workers/`. Sources (tests, development) run through tsx, whose loader a worker
 * thread does not inherit on Node 20: a two-line module registers it first.
 */
function entry(): URL {
  if (typeof NETVALUE_BUNDLE !== 'undefined' && NETVALUE_BUNDLE)
    return new URL('./workers/job-thread.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts'))
    return new URL('../../workers/job-thread.js', import.meta.url);
  const thread = new URL('../../workers/job-thread.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(thread)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

interface Report {
  type: 'report';
  id: number;
  metrics: MetricsJson;
  budgets: Record<string, RateBudget | null>;
}

interface PreviewAnswer {
  type: 'preview';
  id: number;
  preview?: Preview;
  error?: string;
}

/** A thread that is building its context; `start` starts its workers once that is done. */
export interface PreparedJobThread {
  /**
   * What the thread's connectors learned from the trackers (`Connector.learned`, by tracker id),
   * once its context is built; rejects with the thread's reason if it fails first.
   */
  learned(): Promise<Record<string, unknown>>;
  /** Waits until the thread's context is built, starts its workers; rejects with its reason. */
  start(): Promise<JobThread>;
  /** Ends a thread whose workers never started (serve could not start). */
  abort(): Promise<void>;
}

/**
 * Starts the thread: it loads its modules and builds its context (Redis, the trackers' fields)
 * while the caller does the same, then waits for `start` (`serve` listens first, so a port in use
 * fails before any worker has started).
 */
export function prepareJobThread(
  config: Readonly<Config>,
  options: JobThreadOptions,
): PreparedJobThread {
  const worker = new Worker(entry(), {
    workerData: { config, ...options, nice: options.nice ?? JOB_THREAD_NICE },
    resourceLimits: { maxYoungGenerationSizeMb: JOB_THREAD_YOUNG_GENERATION_MB },
  });
  let running = false;
  let budgets: Record<string, RateBudget | null> = {};
  let nextId = 0;
  const waiting = new Map<number, (report: Report) => void>();
  // Previews in the thread, by id: settled by its answer, or rejected when it stops.
  const previews = new Map<number, { resolve: (p: Preview) => void; reject: (e: Error) => void }>();
  let onStop: (err: Error) => void = () => undefined;
  const stopped = new Promise<Error>((resolve) => (onStop = resolve));
  let onReady: () => void = () => undefined;
  let onFail: (err: Error) => void = () => undefined;
  let onLearned: (learned: Record<string, unknown>) => void = () => undefined;
  let onLearnFail: (err: Error) => void = () => undefined;
  const learned = new Promise<Record<string, unknown>>((resolve, reject) => {
    onLearned = resolve;
    onLearnFail = reject;
  });
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  // These may reject before anyone awaits them (the caller awaits `learned`, then `start`).
  ready.catch(() => undefined);
  learned.catch(() => undefined);
  const fail = (err: Error) => {
    const wasRunning = running;
    running = false;
    for (const pending of previews.values()) pending.reject(err);
    previews.clear();
    onFail(err);
    onLearnFail(err);
    if (wasRunning) onStop(err);
  };
  worker.on('message', (msg: { type: string; message?: string; learned?: unknown }) => {
    if (msg.type === 'prepared') {
      // Structured cloning kept what the thread sent; each connector module checks its part.
      onLearned((msg.learned ?? {}) as Record<string, unknown>);
    } else if (msg.type === 'ready') {
      running = true;
      onReady();
    } else if (msg.type === 'failed') {
      // Before its connectors were built, the reason is start-up's own (a tracker that cannot
      // be reached, say): told as it is, as when this thread built its own.
      onLearnFail(new Error(msg.message ?? 'the job thread failed'));
      fail(new Error(`the job thread failed: ${msg.message ?? 'unknown reason'}`));
      void worker.terminate();
    } else if (msg.type === 'report') {
      const report = msg as Report;
      budgets = report.budgets;
      waiting.get(report.id)?.(report);
      waiting.delete(report.id);
    } else if (msg.type === 'preview') {
      const answer = msg as PreviewAnswer;
      const pending = previews.get(answer.id);
      previews.delete(answer.id);
      if (answer.preview) pending?.resolve(answer.preview);
      else pending?.reject(new Error(`preview failed in the job thread: ${answer.error ?? '?'}`));
    }
  });
  worker.on('error', fail);
  let exited = false;
  worker.on('exit', (code) => {
    exited = true;
    fail(new Error(`the job thread exited (code ${code})`));
  });

  const thread: JobThread = {
    running: () => running,
    resourceLimits: () => worker.resourceLimits ?? {},
    stopped,
    /**
     * The thread's metrics (to merge into /metrics) and the latest rate budget each tracker
     * reported to its calls; no metrics, and the budgets last reported, when it does not answer
     * in time.
     */
    async report() {
      if (!running) return { metrics: [], budgets };
      const id = nextId++;
      const report = new Promise<Pick<Report, 'metrics' | 'budgets'>>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve({ metrics: [], budgets });
        }, REPORT_TIMEOUT_MS);
        waiting.set(id, (r) => {
          clearTimeout(timer);
          resolve({ metrics: r.metrics, budgets: r.budgets });
        });
      });
      worker.postMessage({ type: 'report', id });
      return report;
    },
    preview(settings: ScoringSettings, limit: number | undefined) {
      if (!running) return null;
      const id = nextId++;
      const answer = new Promise<Preview>((resolve, reject) =>
        previews.set(id, { resolve, reject }),
      );
      worker.postMessage({
        type: 'preview',
        id,
        settings,
        ...(limit === undefined ? {} : { limit }),
      });
      return answer;
    },
    async close(timeoutMs) {
      running = false;
      // A thread that failed has exited already: there is nothing to wait for.
      if (exited) return;
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (msg: { type: string }) => {
          if (msg.type === 'closed') resolve();
        });
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ type: 'close', timeoutMs });
      // The thread's own close is bounded by timeoutMs plus its connection grace.
      const timer = setTimeout(() => void worker.terminate(), timeoutMs + 5000);
      await closed;
      clearTimeout(timer);
      await worker.terminate();
    },
  };
  return {
    learned: () => learned,
    async start() {
      // Its context is built once it says what its connectors learned; if it failed, `ready`
      // rejects with the thread's reason.
      await Promise.race([learned.catch(() => undefined), ready]);
      worker.postMessage({ type: 'start' });
      await ready;
      return thread;
    },
    abort: () => thread.close(1000),
  };
}

/** Starts the thread and waits until its workers run; rejects with the thread's reason. */
export async function startJobThread(
  config: Readonly<Config>,
  options: JobThreadOptions,
): Promise<JobThread> {
  return prepareJobThread(config, options).start();
}
