/**
 * The unified ranking, read from per-tracker sorted sets (docs/architecture.md "Redis layout").
 * Each tracker's issues sit in a sorted set of its own hash tag, members sorting in ranking order
 * (all scores 0: Redis orders them byte by byte). The unified order is their k-way merge, by the
 * same byte order, reading each set in ZRANGE windows of `chunkSize` members, so memory stays
 * bounded by chunkSize × trackers however large the backlog is. A position needs no walk: it is
 * one plus how many members sort before it in every set (ZLEXCOUNT, O(log N) per set).
 *
 * Why not one sorted set for the deployment: on a Redis Cluster it would sit on one master and
 * every score save would be a second hash tag in its MULTI. Windows are read one after another,
 * so a change made between two windows can move a member across the boundary; the next read
 * sees the order settled (a whole read was one ZRANGE before, and no reader relies on more).
 */
import type { RedisClient } from './redis-client.js';
import type { Keys } from './keys.js';

/** Members per ZRANGE window. @defaultValue 1000 */
export const DEFAULT_RANKING_CHUNK = 1000;

interface Cursor {
  trackerId: string;
  window: Buffer[];
  /** Next index in `window`. */
  at: number;
  /** Set index of window[0]. */
  start: number;
  done: boolean;
}

export class RankingReader {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly chunkSize: number = DEFAULT_RANKING_CHUNK,
  ) {
    if (!(chunkSize >= 1))
      throw new Error(`ranking chunk size must be at least 1, got ${chunkSize}`);
  }

  /** Trackers that have (or had) issues in the ranking. */
  async trackers(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.rankedTrackers)).sort();
  }

  async size(): Promise<number> {
    const ids = await this.trackers();
    const counts = await Promise.all(ids.map((id) => this.redis.zcard(this.keys.ranking(id))));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Members in unified order, rank 1 first (0-based `index`), from `offset` on. */
  async *walk(offset = 0): AsyncGenerator<{ index: number; member: string }> {
    const cursors = await Promise.all(
      (await this.trackers()).map(async (trackerId) => {
        const cursor: Cursor = { trackerId, window: [], at: 0, start: 0, done: false };
        await this.fill(cursor);
        return cursor;
      }),
    );
    for (let index = 0; ; index++) {
      let best: Cursor | null = null;
      // Trackers are few (tens), so a scan of the heads beats a heap in both code and speed.
      for (const c of cursors) {
        const head = c.window[c.at];
        if (head === undefined) continue;
        const bestHead = best?.window[best.at];
        if (bestHead === undefined || Buffer.compare(head, bestHead) < 0) best = c;
      }
      if (best === null) return;
      const member = (best.window[best.at] as Buffer).toString();
      best.at++;
      if (best.at >= best.window.length && !best.done) await this.fill(best);
      if (index >= offset) yield { index, member };
    }
  }

  /** Reads the cursor's next window. */
  private async fill(c: Cursor): Promise<void> {
    const start = c.start + c.window.length;
    const window = await this.redis.zrangeBuffer(
      this.keys.ranking(c.trackerId),
      start,
      start + this.chunkSize - 1,
    );
    c.start = start;
    c.window = window;
    c.at = 0;
    c.done = window.length < this.chunkSize;
  }

  /** Up to `limit` members from `offset`, in unified order. */
  async page(offset: number, limit: number): Promise<string[]> {
    const out: string[] = [];
    if (limit <= 0) return out;
    for await (const { member } of this.walk(offset)) {
      out.push(member);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * 1-based unified positions of members (null where absent): whether each is in its tracker's
   * set, and how many members sort before it in every set. The commands are sent together (one
   * round trip; on a cluster each goes to the master of its tracker's set).
   */
  async positions(
    members: readonly { member: string; trackerId: string }[],
  ): Promise<(number | null)[]> {
    if (members.length === 0) return [];
    const trackers = await this.trackers();
    const present = members.map((m) => this.redis.zscore(this.keys.ranking(m.trackerId), m.member));
    const before = members.map((m) =>
      Promise.all(
        trackers.map((t) => this.redis.zlexcount(this.keys.ranking(t), '-', `(${m.member}`)),
      ),
    );
    const [scores, counts] = await Promise.all([Promise.all(present), Promise.all(before)]);
    return scores.map((score, i) =>
      score === null ? null : 1 + (counts[i] ?? []).reduce((a, b) => a + b, 0),
    );
  }
}
