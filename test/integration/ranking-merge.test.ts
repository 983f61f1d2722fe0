/**
 * The unified ranking is merged at read time from one sorted set per tracker (ranking-reader.ts).
 * Whatever the window size, the merge gives the order the pure ranking gives, and positions,
 * pages and sizes agree with it.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { rankSortKey } from '../../src/scoring/rank.js';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { IssueStore, rankMember } from '../../src/store/issue-store.js';
import { redisKeys } from '../../src/store/keys.js';
import { REDIS_URL } from './pipeline-harness.js';
import { recordFixture } from './record-fixture.js';

const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await deleteKeysWithPrefix(redis, p);
  await redis.quit();
});

const fail = (corrupt: { message: string }) => {
  throw new Error(`unexpected: ${corrupt.message}`);
};

/** A record of `trackerId`, ranked by the pure ranking's sort key. */
function issue(trackerId: string, n: number, netValueUsd: number | null): IssueRecord {
  const base = recordFixture(String(n), netValueUsd ?? 0, { trackerId, key: `K-${n}` });
  const result =
    netValueUsd === null
      ? { ...base.result, status: 'unscored' as const, netValueUsd: null }
      : base.result;
  const sortKey = rankSortKey({ trackerId, key: `K-${n}`, result });
  return { ...base, result, member: rankMember(sortKey, trackerId, String(n)) };
}

const Backlog = fc.array(
  fc.record({
    tracker: fc.constantFrom('a', 'b', 'c-2', 'c-10'),
    net: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
  }),
  { maxLength: 40 },
);

describe('unified ranking merged from per-tracker sets', () => {
  it('gives the same order, positions and pages with one-member windows as with large ones', async () => {
    await fc.assert(
      fc.asyncProperty(Backlog, fc.integer({ min: 1, max: 7 }), async (rows, chunk) => {
        const prefix = `t-${randomUUID().slice(0, 12)}`;
        prefixes.push(prefix);
        const keys = redisKeys(prefix);
        const small = new IssueStore(redis, keys, fail, { rankingChunk: chunk });
        const large = new IssueStore(redis, keys, fail, { rankingChunk: 1000 });
        const records = rows.map((r, i) => issue(r.tracker, i, r.net));
        await large.putMany(records);
        const expected = [...records]
          .sort((x, y) => (x.member < y.member ? -1 : x.member > y.member ? 1 : 0))
          .map((r) => `${r.trackerId}/${r.id}`);
        const order = async (store: IssueStore) =>
          (await store.rankingAll()).map(
            ({ rank, record }) => `${rank}:${record.trackerId}/${record.id}`,
          );
        const want = expected.map((ref, i) => `${i + 1}:${ref}`);
        expect(await order(small)).toEqual(want);
        expect(await order(large)).toEqual(want);
        expect(await small.rankingSize()).toBe(records.length);
        // Read in windows of any size, the ranking is the same (reviews stream it that way).
        const windowed: string[] = [];
        for await (const window of small.rankingWindows(chunk + 1)) {
          expect(window.length).toBeLessThanOrEqual(chunk + 1);
          windowed.push(
            ...window.map(({ rank, record }) => `${rank}:${record.trackerId}/${record.id}`),
          );
        }
        expect(windowed).toEqual(want);
        const page = (await small.rankingPage(3, 5)).map(
          ({ rank, record }) => `${rank}:${record.trackerId}/${record.id}`,
        );
        expect(page).toEqual(want.slice(3, 8));
        const positions = await small.positions(records.map((r) => r.member));
        expect(positions).toEqual(
          records.map((r) => expected.indexOf(`${r.trackerId}/${r.id}`) + 1),
        );
        for (const tracker of ['a', 'c-10']) {
          const of = await small.positionsOf(tracker);
          expect([...of].sort()).toEqual(
            records
              .filter((r) => r.trackerId === tracker)
              .map((r) => [r.id, expected.indexOf(`${tracker}/${r.id}`) + 1])
              .sort(),
          );
        }
        await deleteKeysWithPrefix(redis, prefix);
      }),
      { numRuns: 25 },
    );
  });

  it('walks one tracker in order, and a member removed behind the walk moves none out of it', async () => {
    const prefix = `t-${randomUUID().slice(0, 12)}`;
    prefixes.push(prefix);
    const store = new IssueStore(redis, redisKeys(prefix), fail);
    const records = Array.from({ length: 9 }, (_, i) => issue('a', i, 100 - i));
    await store.putMany([...records, issue('b', 50, 70)]);
    const members = records.map((r) => r.member).sort();
    const seen: string[] = [];
    for await (const window of store.trackerRanking('a', 2)) {
      expect(window.length).toBeLessThanOrEqual(2);
      // After the first window, its first member leaves the set (its issue re-scored or removed).
      if (seen.length === 0) await redis.zrem(redisKeys(prefix).ranking('a'), window[0] ?? '');
      seen.push(...window);
    }
    expect(seen).toEqual(members);
  });

  it('walks the unified ranking in windows, and a member removed behind the walk moves none out of it', async () => {
    const prefix = `t-${randomUUID().slice(0, 12)}`;
    prefixes.push(prefix);
    const store = new IssueStore(redis, redisKeys(prefix), fail, { rankingChunk: 2 });
    const records = Array.from({ length: 9 }, (_, i) => issue('a', i, 100 - i));
    await store.putMany(records);
    const ids: string[] = [];
    for await (const window of store.rankingWindows(1)) {
      const { record } = window[0] as { record: IssueRecord };
      // The first issue leaves the set once read (re-scored or removed); its window is held.
      if (ids.length === 0) await redis.zrem(redisKeys(prefix).ranking('a'), record.member);
      ids.push(record.id);
    }
    expect(ids).toEqual(records.map((r) => r.id));
  });

  it('gives positions of more members than one lookup takes, and null for one not ranked', async () => {
    const prefix = `t-${randomUUID().slice(0, 12)}`;
    prefixes.push(prefix);
    const store = new IssueStore(redis, redisKeys(prefix), fail);
    const records = Array.from({ length: 1234 }, (_, i) =>
      issue(i % 3 === 0 ? 'b' : 'a', i, (i * 7919) % 1000),
    );
    await store.putMany(records);
    const order = (await store.rankingAll()).map(({ record }) => record.member);
    const absent = issue('b', 99_999, 5).member;
    const asked = [...records.map((r) => r.member), absent];

    const positions = await store.positions(asked);

    expect(positions).toEqual([...records.map((r) => order.indexOf(r.member) + 1), null]);
  });

  it('moves an issue when its score changes and drops it when removed', async () => {
    const prefix = `t-${randomUUID().slice(0, 12)}`;
    prefixes.push(prefix);
    const store = new IssueStore(redis, redisKeys(prefix), fail, { rankingChunk: 2 });
    const [x, y, z] = [issue('a', 1, 10), issue('b', 2, 20), issue('a', 3, 30)];
    await store.putMany([x, y, z]);
    const ids = async () => (await store.rankingAll()).map(({ record }) => record.id);
    expect(await ids()).toEqual(['3', '2', '1']);
    const moved = issue('a', 1, 40);
    await store.putScores([moved], [x.member]);
    expect(await ids()).toEqual(['1', '3', '2']);
    expect(await store.positions([moved.member, x.member])).toEqual([1, null]);
    await store.remove(y);
    expect(await ids()).toEqual(['1', '3']);
    expect(await store.rankingSize()).toBe(2);
  });
});
