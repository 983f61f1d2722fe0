import type { RateBudget } from '../../connectors/connector.js';
import type { MetricsJson } from '../metrics.js';
import type { PipelineContext } from '../pipeline/context.js';

/** What the thread that runs the jobs reports (src/cli/job-thread.ts); empty when it cannot. */
export interface JobsReporter {
  report(): Promise<{ metrics: MetricsJson; budgets: Record<string, RateBudget | null> }>;
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
