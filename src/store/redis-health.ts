import type { Redis } from 'ioredis';

/** Readiness: whether the shared Redis connection answers. */
export class RedisHealth {
  constructor(private readonly redis: Redis) {}

  /** Resolves when Redis answers PING; rejects with the client's error otherwise. */
  async ping(): Promise<void> {
    await this.redis.ping();
  }
}
