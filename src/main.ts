/**
 * Wires concrete things together: Redis, stores, queues, connectors, logger, metrics. Commands
 * and tests build a context here and pass it down; nothing else creates clients.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import type { Connector } from '../connectors/connector.js';
import { connectorModule } from '../connectors/registry.js';
import type { Config } from './config.js';
import type { ScoringSettings } from './domain/index.js';
import { Metrics } from './metrics.js';
import type { PipelineContext } from './pipeline/context.js';
import { QueueSet } from './pipeline/queue-set.js';
import { AuditLog } from './store/audit.js';
import { IssueStore } from './store/issue-store.js';
import { redisKeys } from './store/keys.js';
import { MetaStore } from './store/meta.js';
import { RateLimiter } from './store/rate-limiter.js';
import { RunStore } from './store/run-store.js';

/** Log fields that may carry secrets; pino replaces them before anything is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-hub-signature"]',
  'req.headers["linear-signature"]',
  '*.apiToken',
  '*.apiKey',
  '*.webhookSecret',
  '*.adminToken',
  'apiToken',
  'apiKey',
  'webhookSecret',
  'adminToken',
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

export function settingsHash(settings: ScoringSettings): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

export function publicUrl(config: Config): string {
  return config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`;
}

export interface ContextOptions {
  logger?: Logger;
  /** Prebuilt connectors (tests); otherwise each tracker's module creates one. */
  connectors?: ReadonlyMap<string, Connector>;
}

export interface AppContext extends PipelineContext {
  close(): Promise<void>;
}

export async function createContext(
  config: Readonly<Config>,
  options: ContextOptions = {},
): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect().catch((err: unknown) => {
    throw new Error(
      `cannot reach Redis at ${redactUrl(config.redisUrl)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  const keys = redisKeys(config.redisPrefix);
  const settings = scoringSettings(config);
  const connectors = options.connectors ?? (await createConnectors(config));
  const queues = new QueueSet(
    redis,
    config.redisPrefix,
    config.trackers.map((t) => t.id),
  );
  const ctx: PipelineContext = {
    config,
    settings,
    settingsHash: settingsHash(settings),
    redis,
    keys,
    store: new IssueStore(redis, keys),
    runs: new RunStore(redis, keys),
    audit: new AuditLog(redis, keys),
    limiter: new RateLimiter(redis, keys),
    meta: new MetaStore(redis, keys),
    queues,
    connectors,
    logger,
    metrics: new Metrics(),
    workerConnection: { url: config.redisUrl },
  };
  return {
    ...ctx,
    async close() {
      await queues.close();
      await redis.quit().catch(() => undefined);
    },
  };
}

async function createConnectors(config: Readonly<Config>): Promise<Map<string, Connector>> {
  const deps = { publicUrl: publicUrl(config) };
  const entries = await Promise.all(
    config.trackers.map(async (t) => [t.id, await connectorModule(t).create(t, deps)] as const),
  );
  return new Map(entries);
}

/** Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//[redacted]@');
}
