/**
 * A review snapshot is written window by window into a draft in Redis, then stored by one script
 * (ReviewStore.addStreamed): however its entries are split, it reads back as the same snapshot,
 * the first of a slot is kept, and no draft outlives the call.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { redisKeys } from '../../src/store/keys.js';
import { ReviewStore, type SnapshotEntry } from '../../src/store/review-store.js';
import { REDIS_URL } from './pipeline-harness.js';

const redis = new Redis(REDIS_URL);
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) await deleteKeysWithPrefix(redis, p);
  await redis.quit();
});

function freshStore(): { store: ReviewStore; prefix: string } {
  const prefix = `nvtest-review-snap-${randomUUID()}`;
  prefixes.push(prefix);
  const fail = (corrupt: { message: string }) => {
    throw new Error(`unexpected: ${corrupt.message}`);
  };
  return { store: new ReviewStore(redis, redisKeys(prefix), fail), prefix };
}

const STATUSES = ['scored', 'unscored', 'invalid'] as const;
const TYPES = ['technical', 'product', 'unclassified'] as const;

function entries(n: number): SnapshotEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    trackerId: i % 3 === 0 ? 'linear' : 'jira',
    key: `K-${i + 1}`,
    status: STATUSES[i % 3] as SnapshotEntry['status'],
    netValueUsd: i % 3 === 0 ? (i - 50) * 12.5 : null,
    workType: TYPES[i % 3] as SnapshotEntry['workType'],
  }));
}

function windowsOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function* slowly<T>(windows: readonly T[]): AsyncGenerator<T> {
  for (const w of windows) yield await Promise.resolve(w);
}

async function drafts(prefix: string): Promise<string[]> {
  return redis.keys(`${redisKeys(prefix).reviewSnapshotDraft('')}*`);
}

const DAY = '2026-11-20T';

describe('review snapshots written window by window', () => {
  it('read back the same whatever the windows, empty windows included', async () => {
    const items = entries(101);
    for (const [n, size] of [1, 7, 100, 101, 500].entries()) {
      const { store, prefix } = freshStore();
      const at = `${DAY}0${n}:00:00.000Z`;
      const windows = windowsOf(items, size);
      windows.splice(1, 0, []); // a window with no entries adds nothing
      expect(await store.addStreamed(at, slowly(windows))).toBe(true);
      expect(await store.baseline(Date.parse(at))).toEqual({ at, items });
      expect(await drafts(prefix)).toEqual([]);
    }
  });

  it('stores a snapshot of no issues', async () => {
    const { store } = freshStore();
    const at = `${DAY}10:00:00.000Z`;
    expect(await store.addStreamed(at, slowly([]))).toBe(true);
    expect(await store.baseline(Date.parse(at))).toEqual({ at, items: [] });
  });

  it('keeps the first snapshot of a slot and deletes the later draft', async () => {
    const { store, prefix } = freshStore();
    const first = `${DAY}08:00:00.000Z`;
    expect(await store.addSnapshot({ at: first, items: entries(3) })).toBe(true);
    expect(await store.addStreamed(`${DAY}09:00:00.000Z`, slowly([entries(5)]))).toBe(false);
    const stored = [];
    for await (const snapshot of store.series(0, Date.parse(`${DAY}23:00:00.000Z`)))
      stored.push(snapshot);
    expect(stored).toEqual([{ at: first, items: entries(3) }]);
    expect(await drafts(prefix)).toEqual([]);
  });

  it('reads snapshots one at a time, oldest first from a time and newest first before one', async () => {
    const { store } = freshStore();
    const days = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04'];
    for (const [i, day] of days.entries())
      expect(await store.addSnapshot({ at: `${day}T06:00:00.000Z`, items: entries(i + 1) })).toBe(
        true,
      );
    const ats = async (snapshots: AsyncIterable<{ at: string }>) => {
      const out: string[] = [];
      for await (const s of snapshots) out.push(s.at.slice(0, 10));
      return out;
    };
    const at = (day: string) => Date.parse(`${day}T06:00:00.000Z`);
    expect(await ats(store.series(at('2026-11-02'), at('2026-11-04')))).toEqual(days.slice(1));
    expect(await ats(store.newestFirst(at('2026-11-03')))).toEqual(days.slice(0, 3).reverse());
    expect(await ats(store.series(at('2026-11-05'), at('2026-11-06')))).toEqual([]);
  });

  it('deletes its draft and rejects when the entries fail midway', async () => {
    const { store, prefix } = freshStore();
    async function* failing(): AsyncGenerator<SnapshotEntry[]> {
      yield await Promise.resolve(entries(4));
      throw new Error('Redis went away while the ranking was read');
    }
    await expect(store.addStreamed(`${DAY}11:00:00.000Z`, failing())).rejects.toThrow(
      'Redis went away while the ranking was read',
    );
    expect(await drafts(prefix)).toEqual([]);
    expect(await store.hasSnapshotInSlot(Date.parse(`${DAY}11:00:00.000Z`))).toBe(false);
  });
});
