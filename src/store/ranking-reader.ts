/**
 * The unified ranking, read from per-tracker sorted sets (docs/architecture.md "Redis layout").
 * Each tracker's issues sit in a sorted set of its own hash tag, members sorting in ranking order
 * (all scores 0: Redis orders them byte by byte). The unified order is their k-way merge, by the
 * same byte order, reading each set in ZRANGEBYLEX windows of `chunkSize` members, each after the
 * last member read, so memory stays bounded by chunkSize × trackers however large the backlog is.
 * A position needs no walk: it is one plus how many members sort before it in every set
 * (ZLEXCOUNT, O(log N) per set).
 *
 * Why not one sorted set for the deployment: on a Redis Cluster it would sit on one master and
 * every score save would be a second hash tag in its MULTI. Windows are read one after another,
 * so an issue re-scored during a walk may be met twice (its old member read, its new one ahead)
 * or not at all (moved behind the cursor); no other member moves, and the next read sees the
 * order settled.
 */
import type { RedisClient } from './redis-client.js';
import type { Keys } from './keys.js';
import { runScript } from './lua.js';

/** Members a POSITIONS script looks up at once (Redis runs one script at a time). */
const POSITIONS_WINDOW = 500;

/**
 * For each member (ARGV): how many members of the set (KEYS[1]) sort before it, and 1 if it is
 * in the set, else 0; as one flat array.
 */
const POSITIONS = `
local out = {}
for i = 1, #ARGV do
  out[2 * i - 1] = redis.call('ZLEXCOUNT', KEYS[1], '-', '(' .. ARGV[i])
  out[2 * i] = redis.call('ZSCORE', KEYS[1], ARGV[i]) and 1 or 0
end
return out`;

/** Members per window. @defaultValue 1000 */
export const DEFAULT_RANKING_CHUNK = 1000;

interface Cursor {
  trackerId: string;
  window: Buffer[];
  /** Next index in `window`. */
  at: number;
  done: boolean;
}

/** ZRANGEBYLEX's exclusive bound: `(` before a member. */
const AFTER = Buffer.from('(');

function cursorOf(trackerId: string): Cursor {
  return { trackerId, window: [], at: 0, done: false };
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
        const cursor = cursorOf(trackerId);
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

  /** One tracker's members in its ranking order, in windows of `chunk`. */
  async *trackerWindows(trackerId: string, chunk: number): AsyncGenerator<string[]> {
    const cursor = cursorOf(trackerId);
    do {
      await this.fill(cursor, chunk);
      if (cursor.window.length > 0) yield cursor.window.map((member) => member.toString());
    } while (!cursor.done);
  }

  /**
   * Reads the cursor's next window: the members after the last one read, by value (every member
   * has score 0), not at an index. A member added or removed behind the cursor while the set is
   * walked then shifts no other member into a window already read, or out of the next one (an
   * issue re-scored during a plan's walk would have lost its unified position).
   */
  private async fill(c: Cursor, chunk = this.chunkSize): Promise<void> {
    const last = c.window[c.window.length - 1];
    const min = last === undefined ? '-' : Buffer.concat([AFTER, last]);
    c.window = await this.redis.zrangebylexBuffer(
      this.keys.ranking(c.trackerId),
      min,
      '+',
      'LIMIT',
      0,
      chunk,
    );
    c.at = 0;
    c.done = c.window.length < chunk;
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
   * set, and how many members sort before it in every set. One script per set and window of
   * members (on a cluster each goes to the master of its tracker's set): a command per member
   * and set was two thirds of a full sync's Redis commands.
   */
  async positions(
    members: readonly { member: string; trackerId: string }[],
  ): Promise<(number | null)[]> {
    if (members.length === 0) return [];
    const trackers = await this.trackers();
    const out: (number | null)[] = [];
    for (let start = 0; start < members.length; start += POSITIONS_WINDOW) {
      const window = members.slice(start, start + POSITIONS_WINDOW);
      const names = window.map((m) => m.member);
      const perSet = await Promise.all(
        trackers.map(
          async (t) =>
            (await runScript(this.redis, POSITIONS, 1, this.keys.ranking(t), ...names)) as number[],
        ),
      );
      window.forEach((m, i) => {
        let before = 0;
        let present = false;
        perSet.forEach((replies, s) => {
          before += replies[2 * i] ?? 0;
          if (trackers[s] === m.trackerId) present = replies[2 * i + 1] === 1;
        });
        out.push(present ? 1 + before : null);
      });
    }
    return out;
  }
}
