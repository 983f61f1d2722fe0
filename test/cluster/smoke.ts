/**
 * `.ci/run`'s Redis Cluster step: starts the test cluster (3 masters + 3 replicas from the
 * `redis-server` binary), checks a key round-trips through a cluster client, and tears it down,
 * so a machine that cannot run the cluster tests says so before the test run.
 */
import { once } from 'node:events';
import { Cluster } from 'ioredis';
import { startRedisCluster } from './redis-cluster.js';

const startedAt = Date.now();
const cluster = await startRedisCluster();
try {
  const client = new Cluster(cluster.urls);
  await once(client, 'ready');
  await client.set('{netvalue-ci}:smoke', 'ok', 'EX', 10);
  const value = await client.get('{netvalue-ci}:smoke');
  await client.quit();
  if (value !== 'ok') throw new Error(`read back ${String(value)}`);
  console.log(
    `Redis Cluster of 6 nodes up and answering in ${Date.now() - startedAt} ms (ports ${cluster.nodes.map((n) => n.port).join(', ')})`,
  );
} finally {
  await cluster.stop();
}
