/**
 * netvalue on a real Redis Cluster (3 masters + 3 replicas, test/cluster/redis-cluster.ts): each
 * tracker's keys and queue carry a hash tag of their own, and a full sync of both sandboxes gives
 * exactly what it gives on a single Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/cli/check-redis.js';
import { createContext, createLogger } from '../../src/main.js';
import { snapshot, toOldLayout } from './old-layout.js';
import type { Harness } from './pipeline-harness.js';
import { startHarness, writeCounts } from './pipeline-harness.js';
import { syncAll } from './server-harness.js';
import { startRedisCluster, type RedisClusterHandle } from '../cluster/redis-cluster.js';

/** Generous: the cluster's failure detection and several processes share a loaded CI machine. */
const CLUSTER_TEST_TIMEOUT_MS = 120_000;
let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

const SANDBOXES = {
  jira: { issues: 120, seed: 301 },
  linear: { issues: 120, seed: 302 },
} as const;

/** What a sync leaves: the ranking, the values each tracker holds, and the writes it took. */
async function outcome(h: Harness) {
  const summaries = await syncAll(h);
  const ranking = (await h.ctx.store.rankingAll()).map(({ rank, record }) => [
    rank,
    record.trackerId,
    record.key,
    record.result.status,
    record.result.netValueUsd,
  ]);
  const jira = h.jira
    .issues()
    .map((i) => [i.key, i.netValue ?? null])
    .sort();
  const linear = h.linear
    .issues()
    .map((i) => [i.identifier, i.prioritySortOrder])
    .sort();
  const written = summaries.reduce((n, s) => n + s.written, 0);
  return { ranking, jira, linear, written, writes: writeCounts(h) };
}

describe('on a Redis Cluster', () => {
  it(
    'a full sync of both sandboxes gives the same ranking, values and writes as on a single Redis, and the second sync writes nothing',
    async () => {
      const single = await startHarness(SANDBOXES);
      let expected;
      try {
        expected = await outcome(single);
      } finally {
        await single.close();
      }
      const h = await startHarness({ ...SANDBOXES, clusterNodes: cluster.urls });
      try {
        const got = await outcome(h);
        expect(got.ranking.length).toBeGreaterThan(150);
        expect(got).toEqual(expected);
        const again = await syncAll(h);
        expect(again.reduce((n, s) => n + s.written, 0)).toBe(0);
        expect(h.logs.join('')).not.toContain('CROSSSLOT');
      } finally {
        await h.close();
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'keeps each tracker under a hash tag of its own, on different slots, next to its queue',
    async () => {
      const h = await startHarness({
        jira: { issues: 10, seed: 303 },
        linear: { issues: 10, seed: 304 },
        clusterNodes: cluster.urls,
        // Its three tags hash into the three thirds of the slot space, which `redis-cli --cluster
        // create` gives to three masters (slots 13940, 3193 and 8189: the deployment, acme-jira, acme-linear).
        prefix: 'nv',
      });
      try {
        await syncAll(h);
        const { keys } = h.ctx;
        const jiraTag = keys.trackerTag('acme-jira');
        const linearTag = keys.trackerTag('acme-linear');
        expect([jiraTag, linearTag, keys.prefix]).toEqual([
          '{nv:acme-jira}',
          '{nv:acme-linear}',
          '{nv}',
        ]);
        const slotsOfJira = await Promise.all(
          [
            keys.issues('acme-jira'),
            keys.ranking('acme-jira'),
            `${jiraTag}:tracker-acme-jira:wait`,
          ].map((key) => cluster.slotOf(key)),
        );
        const [jiraSlot = -1, linearSlot = -1, deploymentSlot = -1] = await Promise.all(
          [keys.issues('acme-jira'), keys.issues('acme-linear'), keys.settings].map((key) =>
            cluster.slotOf(key),
          ),
        );
        expect(new Set(slotsOfJira).size).toBe(1);
        expect(new Set([jiraSlot, linearSlot, deploymentSlot]).size).toBe(3);
        // The three tags of this deployment sit on three different masters of this cluster.
        const masters = await Promise.all(
          [jiraSlot, linearSlot, deploymentSlot].map((s) => cluster.masterOf(s)),
        );
        expect(new Set(masters).size).toBe(3);
        // Each tracker's queue lives under its tag: its jobs are found there.
        const queue = h.ctx.queues.tracker('acme-jira');
        expect(queue.opts.prefix).toBe(jiraTag);
        expect(await queue.getJobCountByTypes('completed')).toBeGreaterThan(0);
        expect(await h.ctx.store.countByTracker('acme-jira')).toBeGreaterThan(0);
      } finally {
        await h.close();
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    '`netvalue check` reports the cluster state and the master holding each hash tag',
    async () => {
      const lines = await checkRedis(
        { url: 'redis://127.0.0.1:1', clusterNodes: cluster.urls.slice(0, 1) },
        { redisPrefix: 'nv', trackerIds: ['acme-jira', 'acme-linear'] },
      );
      const text = lines.map((l) => `${l.mark} ${l.text}`);
      expect(text[0]).toMatch(
        /^ok cluster_state:ok, 16384 of 16384 slots served, 3 masters, 6 nodes$/,
      );
      const jiraMaster = await cluster.masterOf(await cluster.slotOf('{nv:acme-jira}'));
      expect(text).toContain(
        `ok tracker acme-jira {nv:acme-jira}: slot 3193 on master 127.0.0.1:${jiraMaster} (replicas ${
          // The replica's port, as CLUSTER SLOTS lists it.
          (await replicaOf(jiraMaster)) ?? '?'
        })`,
      );
      expect(
        text.some((l) => l.startsWith('ok deployment-wide keys {nv}: slot 13940 on master')),
      ).toBe(true);
      // Every master is checked like a single Redis (this cluster runs without persistence).
      expect(text.filter((l) => l.includes('maxmemory-policy is noeviction'))).toHaveLength(3);
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );

  it(
    'moves an old single-tag deployment to per-tracker tags at start (DUMP, RESTORE, DEL across slots)',
    async () => {
      const h = await startHarness({
        jira: { issues: 30, seed: 305 },
        linear: { issues: 30, seed: 306 },
        clusterNodes: cluster.urls,
      });
      try {
        await syncAll(h);
        await h.workers?.close();
        h.workers = null;
        const before = await snapshot(h.ctx.redis, h.prefix);
        expect(await toOldLayout(h.ctx.redis, h.prefix)).toBeGreaterThan(10);
        const started = await createContext(h.config, {
          connectors: h.ctx.connectors,
          logger: createLogger({ logLevel: 'silent' }),
        });
        try {
          expect(await snapshot(started.redis, h.prefix)).toEqual(before);
        } finally {
          await started.close();
        }
      } finally {
        await h.close();
      }
    },
    CLUSTER_TEST_TIMEOUT_MS,
  );
});

/** The first replica CLUSTER SLOTS lists for a master (`127.0.0.1:<port>`). */
async function replicaOf(masterPort: number): Promise<string | null> {
  const { Redis } = await import('ioredis');
  const r = new Redis(masterPort, '127.0.0.1');
  try {
    const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, ...[string, number][]][];
    const range = slots.find((s) => Number(s[2]?.[1]) === masterPort);
    const replica = range?.[3];
    return replica ? `${replica[0]}:${replica[1]}` : null;
  } finally {
    r.disconnect();
  }
}
