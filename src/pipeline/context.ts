import type { Logger } from 'pino';
import type { Connector } from '../../connectors/connector.js';
import type { Config } from '../config.js';
import type { ScoringSettings } from '../domain/index.js';
import type { Metrics } from '../metrics.js';
import type { RedisTarget } from '../redis-connect.js';
import type { AuditLog } from '../store/audit.js';
import type { HistoryStore } from '../store/history.js';
import type { IssueStore } from '../store/issue-store.js';
import type { MetaStore } from '../store/meta.js';
import type { PendingPlans } from '../store/pending-plans.js';
import type { RateLimiter } from '../store/rate-limiter.js';
import type { RedisHealth } from '../store/redis-health.js';
import type { ReviewStore } from '../store/review-store.js';
import type { RunStore } from '../store/run-store.js';
import type { WriteLocks } from '../store/write-locks.js';
import type { QueueSet } from './queue-set.js';

/** Everything a worker or route needs, built once in main.ts and passed down. */
export interface PipelineContext {
  config: Readonly<Config>;
  settings: ScoringSettings;
  /** Identifies the scoring settings; stored results made with another hash are re-scored. */
  settingsHash: string;
  store: IssueStore;
  /** Score history per issue and the after-sync backlog series. */
  history: HistoryStore;
  runs: RunStore;
  audit: AuditLog;
  limiter: RateLimiter;
  meta: MetaStore;
  /** Review mode: the writes waiting for approval, one plan per tracker. */
  plans: PendingPlans;
  /** Backlog reviews: ranking snapshots and the digest's delivery status. */
  reviews: ReviewStore;
  /** Per-issue write locks (one write job per issue at a time). */
  locks: WriteLocks;
  /** Redis readiness (PING). */
  health: RedisHealth;
  queues: QueueSet;
  connectors: ReadonlyMap<string, Connector>;
  logger: Logger;
  metrics: Metrics;
  /** Where workers connect (a single Redis or a cluster; workers/index.ts opens it). */
  workerConnection: RedisTarget;
}

export function connectorFor(
  ctx: Pick<PipelineContext, 'connectors'>,
  trackerId: string,
): Connector {
  const connector = ctx.connectors.get(trackerId);
  if (!connector) throw new Error(`unknown tracker '${trackerId}'`);
  return connector;
}
