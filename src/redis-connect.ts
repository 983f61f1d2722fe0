/**
 * The one way to open the main Redis connection: a single Redis (`redisUrl`) or a Redis Cluster
 * (`redisClusterNodes`, README "Running on Redis Cluster"). The first connect is bounded: a
 * process that cannot reach Redis at start fails fast with one line, so a supervisor sees a dead
 * process and restarts it. Once connected, the client reconnects forever, so workers survive Redis
 * restarts and, on a cluster, a master's failover (the client follows the new slot map).
 */
import { Cluster, Redis, type ClusterOptions } from 'ioredis';
import type { Logger } from 'pino';
import { coalesceWrites, type CoalesceMode } from './redis-coalesce.js';
import type { RedisClient } from './store/redis-client.js';

export type { RedisClient };

/** Where the deployment's Redis is: `clusterNodes` (seed nodes) when non-empty, else `url`. */
export interface RedisTarget {
  url: string;
  clusterNodes: readonly string[];
}

export interface ConnectRedisOptions {
  /** How long the first connect (TCP, auth and ready check) may take. @defaultValue 5000 */
  connectTimeoutMs?: number;
  /** Told once when an established connection drops and once when it is back. */
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** When commands made together are written to the socket (redis-coalesce.ts). @defaultValue 'callback' */
  coalesce?: CoalesceMode | undefined;
}

/** Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//[redacted]@');
}

/** The target for messages, without passwords. */
export function describeTarget(target: string | RedisTarget): string {
  const t = typeof target === 'string' ? { url: target, clusterNodes: [] } : target;
  return t.clusterNodes.length > 0
    ? `Redis Cluster ${t.clusterNodes.map(redactUrl).join(', ')}`
    : `Redis at ${redactUrl(t.url)}`;
}

/** The most useful text of a connect error (Node's AggregateError for dual-stack hosts has none). */
export function errorReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message) return err.message;
  if (err instanceof AggregateError && err.errors[0] !== undefined)
    return errorReason(err.errors[0]);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : err.name;
}

/** Cluster seed nodes and the options every node connection takes (auth and TLS from the URL). */
function clusterSetup(
  nodes: readonly string[],
  options: { connectTimeoutMs: number; retry: (attempt: number) => number | null },
): { startup: { host: string; port: number }[]; options: ClusterOptions } {
  const urls = nodes.map((n) => new URL(n));
  const first = urls[0];
  const username = first?.username ? decodeURIComponent(first.username) : undefined;
  const password = first?.password ? decodeURIComponent(first.password) : undefined;
  return {
    startup: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    options: {
      lazyConnect: true,
      enableReadyCheck: true,
      clusterRetryStrategy: options.retry,
      // While a master fails over, MOVED/CLUSTERDOWN answers are retried after these delays
      // (commands wait: maxRetriesPerRequest is null) until the promoted replica answers.
      retryDelayOnClusterDown: 200,
      retryDelayOnFailover: 200,
      retryDelayOnTryAgain: 200,
      slotsRefreshTimeout: options.connectTimeoutMs,
      redisOptions: {
        // Commands wait for a reconnect instead of failing (BullMQ requires this).
        maxRetriesPerRequest: null,
        connectTimeout: options.connectTimeoutMs,
        ...(username ? { username } : {}),
        ...(password ? { password } : {}),
        ...(first?.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    },
  };
}

function toTarget(target: string | RedisTarget): RedisTarget {
  return typeof target === 'string' ? { url: target, clusterNodes: [] } : target;
}

/**
 * Connects to Redis (or the cluster) or throws `cannot reach <target>: <reason>` with nothing
 * left open.
 */
export async function connectRedis(
  target: string | RedisTarget,
  opts: ConnectRedisOptions = {},
): Promise<RedisClient> {
  const t = toTarget(target);
  const timeoutMs = opts.connectTimeoutMs ?? 5000;
  let connected = false;
  let lastError: unknown;
  // Give up during the first connect (fail fast); after it, retry forever, at most every 2 s.
  const retry = (attempt: number) => (connected ? Math.min(attempt * 100, 2000) : null);
  let redis: RedisClient;
  if (t.clusterNodes.length > 0) {
    const setup = clusterSetup(t.clusterNodes, { connectTimeoutMs: timeoutMs, retry });
    redis = new Cluster(setup.startup, setup.options);
  } else {
    redis = new Redis(t.url, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      connectTimeout: timeoutMs,
      retryStrategy: retry,
    });
  }
  let down = false;
  // A listener, so ioredis never prints "Unhandled error event" stack traces.
  redis.on('error', (err: unknown) => {
    lastError = err;
    if (connected && !down) {
      down = true;
      opts.logger?.warn({ err: errorReason(err) }, 'lost the Redis connection; reconnecting');
    }
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    opts.logger?.info('Redis connection restored');
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.connect(), deadline]);
  } catch (err) {
    // Not after 'end': ioredis would then wait 2 s for a close event that already happened.
    if (redis.status !== 'end') redis.disconnect();
    // The 'error' event carries the cause (ECONNREFUSED, WRONGPASS); the rejection often only
    // says "Connection is closed."
    throw new Error(`cannot reach ${describeTarget(t)}: ${errorReason(lastError ?? err)}`, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  // The stores make many small round trips; the queues' connections (BullMQ's) gained little.
  coalesceWrites(redis, opts.coalesce ?? 'callback');
  return redis;
}

/**
 * A connection for BullMQ workers (each Worker duplicates it for its blocking reads): commands
 * wait for a reconnect, and reconnecting never stops.
 */
export function workerConnection(target: RedisTarget): RedisClient {
  if (target.clusterNodes.length === 0)
    return new Redis(target.url, { maxRetriesPerRequest: null });
  const setup = clusterSetup(target.clusterNodes, {
    connectTimeoutMs: 5000,
    retry: (attempt) => Math.min(attempt * 100, 2000),
  });
  return new Cluster(setup.startup, setup.options);
}
