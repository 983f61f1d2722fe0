import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis-client.js';

/**
 * Deletes every key of a deployment's prefix: its deployment-wide tag `{<prefix>}` and every
 * tracker's tag `{<prefix>:<tracker>}` (keys.ts), SCAN + UNLINK a batch at a time, on every
 * master of a Redis Cluster. Used by the demo and the tests to leave nothing behind; a shared
 * Redis is never flushed.
 */
export async function deleteKeysWithPrefix(
  redis: RedisClient,
  redisPrefix: string,
): Promise<number> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const counts = await Promise.all(
    nodes.map(async (node) => {
      let deleted = 0;
      for (const pattern of [`{${redisPrefix}}*`, `{${redisPrefix}:*`]) {
        for await (const keys of scanKeys(node, pattern)) {
          // One UNLINK per key on a cluster: keys of one batch may sit in different slots.
          if (redis.isCluster) for (const key of keys) deleted += await node.unlink(key);
          else if (keys.length > 0) deleted += await node.unlink(...keys);
        }
      }
      return deleted;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Batches of keys matching `pattern` on one node. */
export async function* scanKeys(node: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}
