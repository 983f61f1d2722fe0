/** Small per-deployment facts: sync watermarks, the scoring settings in force, write failures. */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { IssueSchema, type Issue } from '../domain/issue.js';
import { parseStoredJson, type OnCorrupt } from './corrupt.js';
import type { Keys } from './keys.js';

/** A failed write, as stored and as the admin API answers it. */
export const FailureRecordSchema = z.object({
  trackerId: z.string(),
  issueId: z.string(),
  key: z.string(),
  message: z.string(),
  at: z.string(),
});
export type FailureRecord = z.infer<typeof FailureRecordSchema>;

const SEP = '\u0002';

export class MetaStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** Told about every stored value that does not parse (it is then read as absent). */
    private readonly onCorrupt: OnCorrupt,
  ) {}

  async watermark(trackerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.watermarks, trackerId);
  }

  async setWatermark(trackerId: string, iso: string): Promise<void> {
    await this.redis.hset(this.keys.watermarks, trackerId, iso);
  }

  /** When the last complete full reconcile of a tracker started (ISO), or null. */
  async lastFull(trackerId: string): Promise<string | null> {
    return this.redis.hget(this.keys.lastFull, trackerId);
  }

  async setLastFull(trackerId: string, iso: string): Promise<void> {
    await this.redis.hset(this.keys.lastFull, trackerId, iso);
  }

  /** Stores the settings hash; returns the one stored before (null on first start). */
  async swapSettingsHash(hash: string): Promise<string | null> {
    return this.redis.set(this.keys.settings, hash, 'GET');
  }

  async recordFailures(failures: readonly FailureRecord[]): Promise<void> {
    if (failures.length === 0) return;
    const multi = this.redis.multi();
    for (const f of failures)
      multi.hset(this.keys.failures, `${f.trackerId}${SEP}${f.issueId}`, JSON.stringify(f));
    await multi.exec();
  }

  async clearFailures(trackerId: string, issueIds: readonly string[]): Promise<void> {
    if (issueIds.length === 0) return;
    await this.redis.hdel(this.keys.failures, ...issueIds.map((id) => `${trackerId}${SEP}${id}`));
  }

  async failures(): Promise<FailureRecord[]> {
    const raw = await this.redis.hgetall(this.keys.failures);
    return Object.entries(raw)
      .map(([field, json]) => {
        const [trackerId = '', id = ''] = field.split(SEP);
        const at = { subject: 'failure' as const, trackerId, id, field: 'failure record' };
        return parseStoredJson(FailureRecordSchema, json, at, this.onCorrupt);
      })
      .filter((f): f is FailureRecord => f !== null)
      .sort((a, b) => (a.at < b.at ? 1 : -1));
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

  /**
   * Takes (reads and deletes, atomically) the latest webhook snapshot of an issue, so a burst of
   * deliveries is scored from the newest one once. Null when there is none or it is corrupt.
   */
  async takeSnapshot(trackerId: string, issueId: string): Promise<Issue | null> {
    const key = this.keys.snapshots(trackerId);
    const [[, json]] = (await this.redis.multi().hget(key, issueId).hdel(key, issueId).exec()) as [
      [unknown, string | null],
      unknown,
    ];
    if (json === null) return null;
    const at = { subject: 'issue' as const, trackerId, id: issueId, field: 'webhook snapshot' };
    return parseStoredJson(IssueSchema, json, at, this.onCorrupt);
  }
}
