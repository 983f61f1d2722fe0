import type { RateBudget } from '../../connectors/connector.js';
import type { ScoringSettings } from '../domain/index.js';
import type { MetricsJson } from '../metrics.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { Preview } from './preview.js';

/** What the thread that runs the jobs reports (src/cli/job-thread.ts); empty when it cannot. */
export interface JobsReporter {
  report(): Promise<{ metrics: MetricsJson; budgets: Record<string, RateBudget | null> }>;
  /**
   * A preview of `settings` (over the current ones) computed in that thread: it reads and
   * re-scores every stored issue, work kept off the thread that answers HTTP. Null when the
   * thread is not running (serve is starting): the caller computes it.
   */
  preview?(settings: ScoringSettings, limit: number | undefined): Promise<Preview> | null;
}

/**
 * What the server uses of the pipeline: config, stores, queues and connectors. Not Redis itself,
 * the write locks or the rate limiter: routes read and write through the stores.
 */
export type ServerContext = Pick<
  PipelineContext,
  | 'config'
  | 'settings'
  | 'settingsHash'
  | 'store'
  | 'history'
  | 'runs'
  | 'audit'
  | 'meta'
  | 'plans'
  | 'reviews'
  | 'health'
  | 'queues'
  | 'connectors'
  | 'logger'
  | 'metrics'
>;
