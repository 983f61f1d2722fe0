import type { RedisClient } from './redis-client.js';

/**
 * Readiness: whether Redis answers. On a single Redis, PING. On a Redis Cluster a PING reaches
 * one node and says nothing of the others, so the cluster must report `cluster_state:ok` and each
 * of `probeKeys` (one per hash tag the deployment uses) must be readable: that reaches every
 * master holding the deployment's slots, so a master that died and is not yet replaced by its
 * replica makes the deployment not ready.
 */
export class RedisHealth {
  constructor(
    private readonly redis: RedisClient,
    private readonly probeKeys: readonly string[] = [],
  ) {}

  /** Resolves when Redis answers; rejects with the reason otherwise. */
  async ping(): Promise<void> {
    if (!this.redis.isCluster) {
      await this.redis.ping();
      return;
    }
    const info = String(await this.redis.call('CLUSTER', 'INFO'));
    const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    if (state !== 'ok') throw new Error(`Redis Cluster state is ${state}`);
    await Promise.all(this.probeKeys.map((key) => this.redis.exists(key)));
  }
}
