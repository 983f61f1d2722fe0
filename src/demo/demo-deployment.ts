/**
 * The embedded default: both trackers' sandboxes seeded with one realistic mixed backlog
 * (the method's two example tasks included), a private key prefix in a local Redis, and the
 * config that ties them together. `stop()` leaves no process and no Redis key behind.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  SANDBOX_RANGE_FIELD_NAMES,
  startJiraSandbox,
  type JiraSandbox,
} from '../../connectors/jira/sandbox/index.js';
import { startLinearSandbox, type LinearSandbox } from '../../connectors/linear/sandbox/index.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { deleteKeysWithPrefix } from '../store/cleanup.js';
import { ensureRedis, type LocalRedis } from './local-redis.js';

export interface DemoDeployment {
  config: Config;
  jira: JiraSandbox;
  linear: LinearSandbox;
  redis: LocalRedis;
  stop(): Promise<void>;
}

export interface DemoOptions {
  redisUrl: string;
  /** Issues per tracker. */
  issuesPerTracker: number;
  port: number;
  logLevel: Config['logLevel'];
}

export async function startDemo(options: DemoOptions): Promise<DemoDeployment> {
  const redis = await ensureRedis(options.redisUrl);
  const [jira, linear] = await Promise.all([
    startJiraSandbox({ issues: options.issuesPerTracker, includeExamples: true, seed: 2026 }),
    startLinearSandbox({ issues: options.issuesPerTracker, seed: 2027, requestsPerHour: 100_000 }),
  ]);
  const config = ConfigSchema.parse({
    redisUrl: redis.url,
    redisPrefix: `netvalue-demo-${randomBytes(4).toString('hex')}`,
    // 64 hex characters, like `openssl rand -hex 32` (config wants at least 32).
    adminToken: randomBytes(32).toString('hex'),
    server: { host: '127.0.0.1', port: options.port },
    logLevel: options.logLevel,
    sync: { rankSettleMs: 500 },
    trackers: [
      {
        ...jira.trackerConfig(),
        id: 'demo-jira',
        rank: true,
        writesPerSec: 200,
        // The three-point fields too, so the demo shows P10 / P90 and the chance above $0.
        fields: { ...jira.trackerConfig().fields, ...SANDBOX_RANGE_FIELD_NAMES },
      },
      {
        ...linear.trackerConfig(),
        id: 'demo-linear',
        writesPerSec: 200,
        writeBack: { prioritySortOrder: true, priority: true, attachment: false },
      },
    ],
  });
  return {
    config,
    jira,
    linear,
    redis,
    async stop() {
      const client = new Redis(redis.url);
      try {
        await deleteKeysWithPrefix(client, config.redisPrefix);
      } finally {
        await client.quit();
      }
      await Promise.all([jira.close(), linear.close()]);
      await redis.stop();
    },
  };
}
