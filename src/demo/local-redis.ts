/**
 * The demo needs a Redis. Use REDIS_URL or 127.0.0.1:6379 when one answers; otherwise start a
 * private `redis-server` from PATH on a free port with no persistence, and stop it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface LocalRedis {
  url: string;
  /** Null when an existing Redis is used. */
  process: ChildProcess | null;
  stop(): Promise<void>;
}

export class NoRedisError extends Error {
  override readonly name = 'NoRedisError';
}

/** Whether a Redis at `url` answers PING (within a second, without retrying). */
export async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

export async function ensureRedis(preferredUrl: string): Promise<LocalRedis> {
  if (await answers(preferredUrl)) {
    return { url: preferredUrl, process: null, stop: () => Promise.resolve() };
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const failed = once(child, 'error').then(([err]) => err as Error);
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const outcome = await Promise.race([failed, answers(url)]);
    if (outcome instanceof Error) {
      throw new NoRedisError(
        `no Redis answers at ${preferredUrl}, and redis-server could not be started (${outcome.message}).\n` +
          'Install Redis >= 6.2 (e.g. `apt-get install redis-server` or `docker compose up -d redis`), or set REDIS_URL.',
      );
    }
    if (outcome) {
      return {
        url,
        process: child,
        stop: async () => {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await once(child, 'exit');
          }
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // redis-server starts in ~50 ms
  }
  child.kill('SIGKILL');
  throw new NoRedisError(`redis-server started on port ${port} but never answered PING`);
}
