/**
 * Wires concrete things together: Redis, stores, queues, connectors, logger, metrics. Commands
 * and tests build a context here and pass it down; nothing else creates clients.
 */
import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';
import type { Connector } from '../connectors/connector.js';
import { connectorModule, connectorModules } from '../connectors/registry.js';
import type { Config } from './config.js';
import type { ScoringSettings } from './domain/index.js';
import { Metrics } from './metrics.js';
import { hashedSettings } from './scoring/defaults.js';
import type { PipelineContext } from './pipeline/context.js';
import { QueueSet } from './pipeline/queue-set.js';
import { connectRedis, type RedisClient, type RedisTarget } from './redis-connect.js';
import type { CoalesceMode } from './redis-coalesce.js';
import { AuditLog } from './store/audit.js';
import { DeploymentStore } from './store/deployment.js';
import type { OnCorrupt } from './store/corrupt.js';
import { HistoryStore } from './store/history.js';
import { IssueStore } from './store/issue-store.js';
import { redisKeys, type Keys } from './store/keys.js';
import { MetaStore } from './store/meta.js';
import { migrateLayout } from './store/migrate-layout.js';
import { PendingPlans } from './store/pending-plans.js';
import { RateLimiter } from './store/rate-limiter.js';
import { RedisHealth } from './store/redis-health.js';
import { ReviewStore } from './store/review-store.js';
import { RunStore } from './store/run-store.js';
import { WriteLocks } from './store/write-locks.js';

/** Log fields that may carry secrets; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  ...connectorModules().map((m) => `req.headers["${m.signatureHeader}"]`),
  '*.apiToken',
  '*.apiKey',
  '*.webhookSecret',
  '*.adminToken',
  '*.webhookUrl',
  'apiToken',
  'apiKey',
  'webhookSecret',
  'adminToken',
  'webhookUrl',
];

export function createLogger(
  config: Pick<Config, 'logLevel'>,
  destination?: NodeJS.WritableStream,
): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'netvalue' },
    },
    destination ?? pino.destination(2),
  );
}

export function scoringSettings(config: Config): ScoringSettings {
  return { ...config.scoring, priorityThresholdsUsd: { ...config.scoring.priorityThresholdsUsd } };
}

/** Unset `rankBy`/`order`/`metrics` leave the hash as it was before them (hashedSettings). */
export function settingsHash(settings: ScoringSettings): string {
  const text = JSON.stringify(hashedSettings(settings));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function publicUrl(config: Config): string {
  return config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
}

export interface ContextOptions {
  logger?: Logger;
  /**
   * Prebuilt connectors (tests; serve's HTTP thread, as `offlineConnectors`, once its job thread
   * has learned what they need); otherwise each tracker's module creates one.
   */
  connectors?: ReadonlyMap<string, Connector> | Promise<ReadonlyMap<string, Connector>>;
  /**
   * When the stores' commands leave for Redis (src/redis-coalesce.ts): 'turn' for a process or
   * thread that only runs jobs (fewer writes); 'callback', the default, where HTTP is answered.
   */
  coalesce?: CoalesceMode;
}

export interface AppContext extends PipelineContext {
  /** The shared connection and key names, for tests and cleanup: code goes through the stores. */
  redis: RedisClient;
  keys: Keys;
  close(): Promise<void>;
}

export async function createContext(
  config: Readonly<Config>,
  options: ContextOptions = {},
): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const target = redisTarget(config);
  const redis = await connectRedis(target, { logger, coalesce: options.coalesce });
  const keys = redisKeys(config.redisPrefix);
  const settings = scoringSettings(config);
  // A prefix of another deployment, or a tracker that cannot be reached, stops the command:
  // close Redis too, so the process ends.
  const connectors = await (async () => {
    await migrateKeys(redis, config, logger);
    await claimPrefix(config, new DeploymentStore(redis, keys));
    return await (options.connectors ?? createConnectors(config));
  })().catch(async (err: unknown) => {
    await redis.quit().catch(() => undefined);
    throw err;
  });
  // The queues' own connection: BullMQ defines its Lua commands (64) on the client it is given, and
  // ioredis copies every defined command onto each MULTI and pipeline made from that client, 56 µs
  // a MULTI against 8 without them. The stores make one or more per job (README "Performance").
  const queueConnection = redis.duplicate();
  const queues = new QueueSet(
    queueConnection,
    config.redisPrefix,
    config.trackers.map((t) => t.id),
    (err) => logger.warn({ err: err.message }, 'queue connection error'),
  );
  const metrics = new Metrics();
  const digestStatus = () => ctx.reviews.digestStatus();
  metrics.readDigestFailures = async () => (await digestStatus()).consecutiveFailures;
  const onCorrupt = corruptReporter(logger, metrics, () => meta);
  const meta = new MetaStore(redis, keys, onCorrupt);
  const ctx: PipelineContext = {
    config,
    settings,
    settingsHash: settingsHash(settings),
    store: new IssueStore(redis, keys, onCorrupt),
    history: new HistoryStore(redis, keys, onCorrupt),
    runs: new RunStore(redis, keys, onCorrupt),
    audit: new AuditLog(redis, keys, onCorrupt),
    limiter: new RateLimiter(redis, keys),
    meta,
    plans: new PendingPlans(redis, keys, onCorrupt),
    reviews: new ReviewStore(redis, keys, onCorrupt),
    locks: new WriteLocks(redis, keys),
    // One key per hash tag: on a cluster, readiness reaches every master holding them.
    health: new RedisHealth(redis, [keys.layout, ...config.trackers.map((t) => keys.issues(t.id))]),
    queues,
    connectors,
    logger,
    metrics,
    workerConnection: target,
  };
  return {
    ...ctx,
    redis,
    keys,
    async close() {
      await queues.close();
      await Promise.all([
        queueConnection.quit().catch(() => undefined),
        redis.quit().catch(() => undefined),
      ]);
    },
  };
}

/**
 * Stored data that does not parse is skipped by the stores and reported here: logged, counted,
 * and, for an issue, listed under /admin/failed until a later write of it succeeds.
 */
export function corruptReporter(
  logger: Logger,
  metrics: Metrics,
  meta: () => MetaStore,
): OnCorrupt {
  return (corrupt) => {
    logger.error(
      { trackerId: corrupt.trackerId, id: corrupt.id, field: corrupt.field },
      corrupt.message,
    );
    metrics.corruptRecords.inc({ tracker: corrupt.trackerId, field: corrupt.field });
    if (corrupt.subject !== 'issue') return;
    const failure = {
      trackerId: corrupt.trackerId,
      issueId: corrupt.id,
      key: `(${corrupt.field})`,
      message: `${corrupt.message}; skipped until the next pull stores it again`,
      at: new Date().toISOString(),
    };
    meta()
      .recordFailures([failure])
      .catch((err: unknown) =>
        logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'could not list a corrupt record under /admin/failed',
        ),
      );
  };
}

/** Where Redis is: the cluster's seed nodes when configured, else `redisUrl`. */
export function redisTarget(config: Pick<Config, 'redisUrl' | 'redisClusterNodes'>): RedisTarget {
  return { url: config.redisUrl, clusterNodes: config.redisClusterNodes };
}

/** Keys of the single-hash-tag layout move to the per-tracker one (src/store/migrate-layout.ts). */
async function migrateKeys(redis: RedisClient, config: Readonly<Config>, logger: Logger) {
  const report = await migrateLayout(redis, config.redisPrefix);
  if (report === null) return;
  if (report.moved > 0 || report.rankingMembers > 0) {
    logger.info(
      { moved: report.moved, rankingMembers: report.rankingMembers },
      `moved the keys of {${config.redisPrefix}} to one hash tag per tracker`,
    );
  }
  if (report.kept.length > 0) {
    logger.warn(
      { kept: report.kept.slice(0, 20), count: report.kept.length },
      'old-layout keys left in place: their new names already hold values',
    );
  }
}

/** Refuses a Redis prefix that holds another deployment's state (same tracker id, other site). */
async function claimPrefix(config: Readonly<Config>, deployment: DeploymentStore): Promise<void> {
  const sites = new Map(config.trackers.map((t) => [t.id, connectorModule(t).site(t)]));
  const conflicts = await deployment.claim(sites);
  if (conflicts.length === 0) return;
  const list = conflicts
    .map((c) => `tracker '${c.trackerId}' is ${c.recorded} there, ${c.configured} here`)
    .join('; ');
  throw new Error(
    `Redis prefix {${config.redisPrefix}} holds another deployment's state (${list}). ` +
      `Give this deployment a redisPrefix of its own (or NETVALUE_REDIS_PREFIX); if this ` +
      `deployment really moved, forget the old site with: redis-cli HDEL '{${config.redisPrefix}}:deployment' <tracker id>`,
  );
}

/**
 * Connectors that make no tracker call (`ConnectorModule.offline`), from what another thread's
 * connectors learned (`Connector.learned`, by tracker id): serve's HTTP thread verifies and parses
 * webhooks with them and loads no tracker SDK (README "Performance").
 */
export async function offlineConnectors(
  config: Readonly<Config>,
  learned: Promise<Readonly<Record<string, unknown>>>,
): Promise<Map<string, Connector>> {
  const deps = { publicUrl: publicUrl(config) };
  const byTracker = await learned;
  return new Map(
    config.trackers.map((t) => [t.id, connectorModule(t).offline(t, byTracker[t.id], deps)]),
  );
}

async function createConnectors(config: Readonly<Config>): Promise<Map<string, Connector>> {
  const deps = { publicUrl: publicUrl(config) };
  const entries = await Promise.all(
    config.trackers.map(async (t) => [t.id, await connectorModule(t).create(t, deps)] as const),
  );
  return new Map(entries);
}

export { redactUrl } from './redis-connect.js';
