/**
 * Waits until a write reached a replica before netvalue acts on it outside Redis. Redis
 * replicates asynchronously: when a Cluster master dies, writes it had not yet passed to its
 * replica are gone once that replica is promoted. For a write job's "sending" mark that loss
 * meant the re-run saw no mark, trusted the stale record and sent the same value to the tracker
 * again (docs/architecture.md "Redis Cluster", failover). So the mark is confirmed on a replica
 * (`WAIT 1`) before the call goes out.
 *
 * WAIT counts the writes of the connection it is sent on, so it goes to the master that owns the
 * tag's slot, through the same pooled connection ioredis used for the write. A master with no
 * replica attached (its replica died, or was just promoted) is not waited on for a while, so a
 * degraded cluster slows no write by more than one timeout in that window. On a single Redis this
 * does nothing: there is no failover to survive.
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis-client.js';

/** How long one WAIT may block; a replica on the same network acks in well under a millisecond. */
const WAIT_TIMEOUT_MS = 500;
/** After a WAIT that no replica answered, that master is not waited on for this long. */
const NO_REPLICA_BACKOFF_MS = 5_000;

export class ReplicaWait {
  private readonly slotOfTag = new Map<string, number>();
  private readonly skipUntil = new Map<string, number>();

  constructor(private readonly redis: RedisClient) {}

  /**
   * Resolves once the writes already sent for `tag` reached a replica, or the wait gave up.
   * Returns whether a replica confirmed them (always true on a single Redis).
   */
  async confirm(tag: string): Promise<boolean> {
    const cluster = this.redis;
    if (!(cluster instanceof Cluster)) return true;
    const master = await this.masterOf(cluster, tag);
    if (!master) return false;
    const nodeKey = `${master.options.host}:${master.options.port}`;
    if ((this.skipUntil.get(nodeKey) ?? 0) > Date.now()) return false;
    const acked = await master.wait(1, WAIT_TIMEOUT_MS);
    if (acked >= 1) return true;
    this.skipUntil.set(nodeKey, Date.now() + NO_REPLICA_BACKOFF_MS);
    return false;
  }

  private async masterOf(cluster: Cluster, tag: string): Promise<Redis | undefined> {
    let slot = this.slotOfTag.get(tag);
    if (slot === undefined) {
      slot = Number(await cluster.cluster('KEYSLOT', tag));
      this.slotOfTag.set(tag, slot);
    }
    const nodeKey = cluster.slots[slot]?.[0];
    if (nodeKey === undefined) return undefined;
    return cluster
      .nodes('master')
      .find((node) => `${node.options.host}:${node.options.port}` === nodeKey);
  }
}
