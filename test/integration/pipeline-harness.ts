/**
 * A whole deployment for a test: both sandboxes, a private Redis key prefix, a context and
 * workers. `close()` stops everything and deletes every key under the prefix (never a flush).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { QueueEvents } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import {
  startJiraSandbox,
  type JiraSandbox,
  type JiraSandboxOptions,
} from '../../connectors/jira/sandbox/index.js';
import {
  startLinearSandbox,
  type LinearSandbox,
  type LinearSandboxOptions,
} from '../../connectors/linear/sandbox/index.js';
import { ConfigSchema, type Config } from '../../src/config/schema.js';
import { createContext, createLogger, type AppContext } from '../../src/main.js';
import { bullPrefix, trackerBullPrefix } from '../../src/queues.js';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface HarnessOptions {
  jira?: JiraSandboxOptions;
  linear?: LinearSandboxOptions;
  /** Extra top-level config (scoring, sync, ...). */
  config?: Record<string, unknown>;
  jiraTracker?: Record<string, unknown>;
  linearTracker?: Record<string, unknown>;
  workers?: boolean;
  /** Seed URLs of a Redis Cluster (test/cluster/redis-cluster.ts) instead of the shared Redis. */
  clusterNodes?: string[];
  /** A fixed key prefix (a private cluster); otherwise a random one. */
  prefix?: string;
}

export interface Harness {
  prefix: string;
  config: Config;
  jira: JiraSandbox;
  linear: LinearSandbox;
  ctx: AppContext;
  workers: RunningWorkers | null;
  /** Everything the logger wrote (to check that no secret leaks). */
  logs: string[];
  close(): Promise<void>;
}

export function testConfig(
  prefix: string,
  jira: JiraSandbox,
  linear: LinearSandbox,
  options: HarnessOptions = {},
): Config {
  return ConfigSchema.parse({
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    ...(options.clusterNodes ? { redisClusterNodes: options.clusterNodes } : {}),
    adminToken: 'test-admin-token-0123456789abcdef0123456789',
    logLevel: 'info',
    sync: { rankSettleMs: 50 },
    ...options.config,
    trackers: [
      { ...jira.trackerConfig(), id: 'acme-jira', writesPerSec: 10_000, ...options.jiraTracker },
      {
        ...linear.trackerConfig(),
        id: 'acme-linear',
        writesPerSec: 10_000,
        ...options.linearTracker,
      },
    ],
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const prefix = options.prefix ?? `t-${randomUUID().slice(0, 12)}`;
  const [jira, linear] = await Promise.all([
    startJiraSandbox(options.jira),
    startLinearSandbox(options.linear),
  ]);
  const config = testConfig(prefix, jira, linear, options);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const ctx = await createContext(config, { logger: createLogger(config, sink) });
  const workers = options.workers === false ? null : startWorkers(ctx, { concurrency: 8 });
  return {
    prefix,
    config,
    jira,
    linear,
    ctx,
    workers,
    logs,
    async close() {
      await workers?.close();
      await ctx.close();
      await deletePrefix(prefix, options.clusterNodes);
      await Promise.all([jira.close(), linear.close()]);
    },
  };
}

/** Deletes every key of a test prefix (the shared Redis is never flushed). */
export async function deletePrefix(prefix: string, clusterNodes?: string[]): Promise<void> {
  const redis = clusterNodes ? new Cluster(clusterNodes) : new Redis(REDIS_URL);
  try {
    if (redis instanceof Cluster) await once(redis, 'ready');
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    await redis.quit();
  }
}

const LINEAR_MUTATIONS = new Set([
  'NetvalueIssueUpdate',
  'NetvalueIssueUpdates',
  'NetvalueAttachmentUpsert',
  'NetvalueAttachmentDelete',
]);

/** Jira writes and Linear mutations the sandboxes received. */
export function writeCounts(h: Harness): {
  jiraEdits: number;
  jiraRanks: number;
  linearMutations: number;
} {
  return {
    jiraEdits: h.jira.log.count((e) => e.operation === 'edit'),
    jiraRanks: h.jira.log.count((e) => e.operation === 'rank'),
    linearMutations: h.linear.log.count((e) => LINEAR_MUTATIONS.has(e.operation)),
  };
}

/** Linear issue ids a logged request updated (one, or several in an aliased batch). */
export function linearUpdatedIds(body: unknown): string[] {
  const variables = (body as { variables?: Record<string, unknown> } | null)?.variables ?? {};
  return Object.entries(variables)
    .filter(([name, value]) => /^id\d*$/.test(name) && typeof value === 'string')
    .map(([, value]) => value as string);
}

/** The events of a tracker's queue (to await its jobs), on a connection of their own. */
export function trackerQueueEvents(h: Harness, trackerId: string) {
  return queueEvents(h.ctx.queues.tracker(trackerId).name, trackerBullPrefix(h.prefix, trackerId));
}

/** The events of the shared score queue, on a connection of their own. */
export function scoreQueueEvents(h: Harness) {
  return queueEvents(h.ctx.queues.score.name, bullPrefix(h.prefix));
}

async function queueEvents(
  name: string,
  prefix: string,
): Promise<{ events: QueueEvents; close(): Promise<void> }> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const events = new QueueEvents(name, { connection, prefix });
  await events.waitUntilReady();
  return {
    events,
    async close() {
      await events.close();
      await connection.quit();
    },
  };
}

/** Resolves once the score queue has nothing waiting, delayed or running (BullMQ events). */
export async function waitUntilScoreQueueIdle(harness: Harness): Promise<void> {
  const queue = harness.ctx.queues.score;
  const worker = harness.workers?.workers.find((w) => w.name === queue.name);
  if (!worker) throw new Error('no score worker');
  for (;;) {
    // Listening before looking, so a job finishing in between is not missed.
    let onDone = (): void => undefined;
    const next = new Promise<void>((resolve) => (onDone = () => resolve()));
    worker.once('completed', onDone);
    const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) {
      worker.off('completed', onDone);
      return;
    }
    await next;
  }
}
