import type { Redis } from 'ioredis';

/**
 * Deletes every key under a deployment's prefix (SCAN + UNLINK, a batch at a time). Used by the
 * demo and the tests to leave nothing behind; a shared Redis is never flushed.
 */
export async function deleteKeysWithPrefix(redis: Redis, redisPrefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${redisPrefix}}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
