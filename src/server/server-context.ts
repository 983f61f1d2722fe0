import type { PipelineContext } from '../pipeline/context.js';

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
