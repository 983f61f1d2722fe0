/** A benchmark deployment: sandboxes in their own thread, a private Redis prefix, a context. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigSchema, type Config } from '../src/config/schema.js';
import { createContext, createLogger, type AppContext } from '../src/main.js';
import type { CoalesceMode } from '../src/redis-coalesce.js';
import { deleteKeysWithPrefix } from '../src/store/cleanup.js';
import { startSandboxHost, type SandboxHost } from './sandbox-host.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const TRACKERS = ['bench-jira', 'bench-linear'] as const;

export interface BenchDeployment {
  config: Config;
  sandboxes: SandboxHost;
  ctx: AppContext;
  close(): Promise<void>;
}

export async function startBenchDeployment(
  issuesPerTracker: number,
  options: {
    seed?: number;
    concurrency?: number;
    port?: number;
    rankWriteBack?: boolean;
    /** Jira writes unified rank positions (the sandbox's default field); false leaves them out. */
    positions?: boolean;
    /**
     * As `sync` and the job thread ('turn', the default: this context runs the workers) or as
     * `serve`'s HTTP thread ('callback').
     */
    coalesce?: CoalesceMode;
  } = {},
): Promise<BenchDeployment> {
  const sandboxes = await startSandboxHost(issuesPerTracker, options.seed ?? 1);
  const [jira, linear] =
    await sandboxes.call<[Record<string, unknown>, Record<string, unknown>]>('configs');
  if (options.positions === false) {
    const { rankPosition: _position, ...fields } = jira['fields'] as Record<string, unknown>;
    jira['fields'] = fields;
  }
  const config = ConfigSchema.parse({
    redisUrl: REDIS_URL,
    redisPrefix: `bench-${randomUUID().slice(0, 8)}`,
    adminToken: 'bench-admin-token-0123456789abcdef0123456789',
    logLevel: 'warn',
    concurrency: options.concurrency ?? 16,
    server: { host: '127.0.0.1', port: options.port ?? 0 },
    sync: { rankSettleMs: 100 },
    // Rate limits lifted so the figures measure netvalue, not the configured budget.
    trackers: [
      { ...jira, id: TRACKERS[0], rank: options.rankWriteBack ?? true, writesPerSec: 1_000_000 },
      {
        ...linear,
        id: TRACKERS[1],
        writesPerSec: 1_000_000,
        writeBack: { prioritySortOrder: options.rankWriteBack ?? true },
      },
    ],
  });
  const ctx = await createContext(config, {
    logger: createLogger({ logLevel: 'warn' }),
    coalesce: options.coalesce ?? 'turn',
  });
  return {
    config,
    sandboxes,
    ctx,
    async close() {
      await ctx.close();
      const redis = new Redis(REDIS_URL);
      await deleteKeysWithPrefix(redis, config.redisPrefix);
      await redis.quit();
      await sandboxes.close();
    },
  };
}
