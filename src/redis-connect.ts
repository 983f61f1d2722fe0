/**
 * The one way to open the main Redis connection. The first connect is bounded: a process that
 * cannot reach Redis at start fails fast with one line, so a supervisor sees a dead process and
 * restarts it. Once connected, the client reconnects forever, so workers survive Redis restarts.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface ConnectRedisOptions {
  /** How long the first connect (TCP, auth and ready check) may take. @defaultValue 5000 */
  connectTimeoutMs?: number;
  /** Told once when an established connection drops and once when it is back. */
  logger?: Pick<Logger, 'warn' | 'info'>;
}

/** Redis URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//[redacted]@');
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

/** Connects to Redis or throws `cannot reach Redis at <url>: <reason>` with nothing left open. */
export async function connectRedis(url: string, opts: ConnectRedisOptions = {}): Promise<Redis> {
  const timeoutMs = opts.connectTimeoutMs ?? 5000;
  let connected = false;
  let lastError: unknown;
  const redis = new Redis(url, {
    lazyConnect: true,
    // Commands wait for a reconnect instead of failing (BullMQ requires this).
    maxRetriesPerRequest: null,
    connectTimeout: timeoutMs,
    // Give up during the first connect (fail fast); after it, retry forever, at most every 2 s.
    retryStrategy: (attempt) => (connected ? Math.min(attempt * 100, 2000) : null),
  });
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
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${errorReason(lastError ?? err)}`, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  return redis;
}
