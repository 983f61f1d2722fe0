/**
 * netvalue on a local Redis Cluster (3 masters + 3 replicas, test/cluster/redis-cluster.ts):
 * `cluster.issuesPerSec`, a first full sync of both sandboxes' issues through the pipeline with
 * each tracker on its own hash tag; `cluster.failoverRecoveryMs`, from the SIGKILL of the master
 * holding a tracker's slots to `/readyz` answering 200 again (its replica promoted, the client
 * following the new slot map). Node timeout 2 s, so most of the recovery is the cluster's own
 * failure detection and election.
 */
import { randomUUID } from 'node:crypto';
import { ConfigSchema } from '../src/config/schema.js';
import { createContext, createLogger } from '../src/main.js';
import { runSync, totals } from '../src/pipeline/sync-run.js';
import { buildServer } from '../src/server/build-server.js';
import { startRedisCluster } from '../test/cluster/redis-cluster.js';
import { startWorkers } from '../workers/index.js';
import { TRACKERS } from './deployment.js';
import { PIPELINE_CONCURRENCY } from './full-sync.js';
import { startSandboxHost } from './sandbox-host.js';
import { timeMs } from './stats.js';

export interface ClusterResult {
  issues: number;
  issuesPerSec: number;
  failoverRecoveryMs: number;
}

export async function benchCluster(issuesPerTracker: number, seed = 7): Promise<ClusterResult> {
  const cluster = await startRedisCluster();
  const sandboxes = await startSandboxHost(issuesPerTracker, seed);
  try {
    const [jira, linear] =
      await sandboxes.call<[Record<string, unknown>, Record<string, unknown>]>('configs');
    const config = ConfigSchema.parse({
      redisClusterNodes: cluster.urls,
      redisPrefix: `bench-${randomUUID().slice(0, 8)}`,
      adminToken: 'bench-admin-token-0123456789abcdef0123456789',
      logLevel: 'error',
      concurrency: PIPELINE_CONCURRENCY,
      sync: { rankSettleMs: 100 },
      // Rate limits lifted so the figure measures netvalue on the cluster, not a budget.
      // The same trackers as the single-Redis full sync (bench/deployment.ts), rank write-back on.
      trackers: [
        { ...jira, id: TRACKERS[0], rank: true, writesPerSec: 1_000_000 },
        {
          ...linear,
          id: TRACKERS[1],
          writesPerSec: 1_000_000,
          writeBack: { prioritySortOrder: true },
        },
      ],
    });
    const ctx = await createContext(config, {
      logger: createLogger({ logLevel: 'error' }),
      coalesce: 'turn', // runs the workers, as `sync` does
    });
    const workers = startWorkers(ctx, { concurrency: PIPELINE_CONCURRENCY });
    const app = await buildServer({ ctx, workersRunning: () => true });
    try {
      let summary = totals([]);
      const syncMs = await timeMs(async () => {
        summary = totals(
          await runSync(ctx, { trackerIds: [...TRACKERS], full: true, dryRun: false }),
        );
      });
      if (summary.failed > 0)
        throw new Error(`cluster sync failed: ${JSON.stringify(summary.failures.slice(0, 3))}`);

      const slot = await cluster.slotOf(ctx.keys.trackerTag(TRACKERS[0]));
      const master = await cluster.masterOf(slot);
      const killedAt = Date.now();
      await cluster.kill(master);
      // Asked every 20 ms, as a load balancer's probe would (nothing to wait on but the answer).
      for (let down = false; ;) {
        const res = await app.inject({ method: 'GET', url: '/readyz' });
        if (res.statusCode !== 200) down = true;
        else if (down) break;
        if (Date.now() - killedAt > 60_000) throw new Error('/readyz not 200 a minute after');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return {
        issues: summary.pulled,
        issuesPerSec: Math.round(summary.pulled / (syncMs / 1000)),
        failoverRecoveryMs: Date.now() - killedAt,
      };
    } finally {
      await app.close();
      await workers.close();
      await ctx.close();
    }
  } finally {
    await sandboxes.close();
    await cluster.stop();
  }
}
