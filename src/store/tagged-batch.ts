/**
 * MULTIs and pipelines that respect hash tags. On a Redis Cluster a MULTI must stay within one
 * slot and an ioredis pipeline within one node, so commands are grouped by the hash tag of their
 * key and each group is sent as its own MULTI (or pipeline), all at once. On a single Redis every
 * command goes into one MULTI, exactly as before (docs/architecture.md "Redis layout").
 *
 * What must be atomic therefore sits under one tag: an issue's parts, its sending marks and what
 * the tracker now holds are one tracker's keys; deployment-wide counters and the audit stream
 * land alongside, in their own MULTI.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { hashTagOf } from './keys.js';

export class TaggedBatch {
  private readonly groups = new Map<string, ChainableCommander>();

  constructor(
    private readonly redis: RedisClient,
    private readonly kind: 'multi' | 'pipeline' = 'multi',
  ) {}

  /** The MULTI (or pipeline) that commands on `key` go into. */
  at(key: string): ChainableCommander {
    const tag = this.redis.isCluster ? hashTagOf(key) : '';
    let group = this.groups.get(tag);
    if (!group) {
      group = this.kind === 'multi' ? this.redis.multi() : this.redis.pipeline();
      this.groups.set(tag, group);
    }
    return group;
  }

  get size(): number {
    return this.groups.size;
  }

  /** Sends every group at once; rejects when a group could not be sent. */
  async exec(): Promise<void> {
    await Promise.all([...this.groups.values()].map((group) => group.exec()));
  }
}
