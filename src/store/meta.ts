/** Small per-deployment facts: sync watermarks, the scoring settings in force, write failures. */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export interface FailureRecord {
  trackerId: string;
  issueId: string;
  key: string;
  message: string;
  at: string;
}

export class MetaStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async watermark(trackerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.watermarks, trackerId);
  }

  async setWatermark(trackerId: string, iso: string): Promise<void> {
    await this.redis.hset(this.keys.watermarks, trackerId, iso);
  }

  /** Stores the settings hash; returns the one stored before (null on first start). */
  async swapSettingsHash(hash: string): Promise<string | null> {
    return this.redis.set(this.keys.settings, hash, 'GET');
  }

  async recordFailures(failures: readonly FailureRecord[]): Promise<void> {
    if (failures.length === 0) return;
    const multi = this.redis.multi();
    for (const f of failures)
      multi.hset(this.keys.failures, `${f.trackerId}\u0002${f.issueId}`, JSON.stringify(f));
    await multi.exec();
  }

  async clearFailures(trackerId: string, issueIds: readonly string[]): Promise<void> {
    if (issueIds.length === 0) return;
    await this.redis.hdel(this.keys.failures, ...issueIds.map((id) => `${trackerId}\u0002${id}`));
  }

  async failures(): Promise<FailureRecord[]> {
    const raw = await this.redis.hvals(this.keys.failures);
    return raw.map((j) => JSON.parse(j) as FailureRecord).sort((a, b) => (a.at < b.at ? 1 : -1));
  }

  /**
   * Marks a webhook delivery as seen for a day (false when it was seen already) and, for a
   * delivery that carries the issue, stores its snapshot for the score job, in one round trip
   * (a webhook's answer waits on it). A duplicate's snapshot is the same issue state, so writing
   * it again is harmless.
   */
  async acceptDelivery(
    trackerId: string,
    deliveryId: string,
    snapshot: { issueId: string; json: string } | null,
  ): Promise<boolean> {
    const multi = this.redis
      .multi()
      .set(this.keys.delivery(trackerId, deliveryId), '1', 'EX', 86_400, 'NX');
    if (snapshot) multi.hset(this.keys.snapshots(trackerId), snapshot.issueId, snapshot.json);
    const [[, first]] = (await multi.exec()) as [[unknown, string | null]];
    return first === 'OK';
  }

  /** Forgets a delivery (it could not be queued), so the tracker's retry is processed. */
  async forgetDelivery(trackerId: string, deliveryId: string): Promise<void> {
    await this.redis.del(this.keys.delivery(trackerId, deliveryId));
  }
}
