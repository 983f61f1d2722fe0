import type { Cluster, Redis } from 'ioredis';

/**
 * The connection every store takes: a single Redis or a Redis Cluster (src/redis-connect.ts
 * opens it). Keys of one MULTI or script share a hash tag (keys.ts), so both behave the same.
 */
export type RedisClient = Redis | Cluster;
