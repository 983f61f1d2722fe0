import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { IssueStore, plannedOf } from '../../src/store/issue-store.js';
import { redisKeys } from '../../src/store/keys.js';
import { REDIS_URL } from './pipeline-harness.js';
import { recordFixture } from './record-fixture.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const redis = new Redis(REDIS_URL);
const store = new IssueStore(redis, redisKeys(prefix), (corrupt) => {
  throw new Error(`unexpected: ${corrupt.message}`);
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

function record(netValueUsd: number): IssueRecord {
  return recordFixture('10001', netValueUsd, {
    key: 'APP-1',
    current: { netValueUsd: 1 },
    rank: '0|a:',
  });
}

describe('issue store', () => {
  it('keeps a score saved while the planner works: the planner saves only its own values', async () => {
    await store.putMany([record(100)]);
    const readByPlanner = await store.getMany('j', ['10001']);
    // A webhook's score job saves a newer value in the meantime...
    await store.putMany([record(900)], [readByPlanner[0]?.member ?? null]);
    // ...then the planner saves what it decided from its (older) read.
    const planned = { ...(readByPlanner[0] as IssueRecord).desired, rankPosition: 3 };
    await store.putPlanned('j', [{ id: '10001', planned: plannedOf(planned) }]);
    const [now] = await store.getMany('j', ['10001']);
    expect(now?.desired).toEqual({ netValueUsd: 900, rankPosition: 3 });
    expect(now?.result.netValueUsd).toBe(900);
  });

  it('keeps a write recorded while a pull was scored: the pull does not roll it back', async () => {
    await store.putMany([{ ...record(500), id: '10009', key: 'APP-9' }]);
    const [readByScorer] = await store.getMany('j', ['10009']);
    if (!readByScorer) throw new Error('record not saved');
    // A write job records what the tracker accepted while the scorer works on a pulled page
    // that was read before the write landed.
    await store.recordWritten(
      'j',
      [{ id: '10009', current: { netValueUsd: 500 }, lastWrittenAt: '2026-11-30T06:00:00.000Z' }],
      new Map([['10009', 42]]),
    );
    await store.putMany(
      [{ ...readByScorer, current: { netValueUsd: 1 }, rank: 7 }],
      [readByScorer.member],
    );
    expect(await store.get('j', '10009')).toMatchObject({
      current: { netValueUsd: 500 },
      rank: 42,
      lastWrittenAt: '2026-11-30T06:00:00.000Z',
    });
    // With no write in between, the pull's word is saved.
    const [again] = await store.getMany('j', ['10009']);
    if (!again) throw new Error('record lost');
    await store.putMany([{ ...again, current: { netValueUsd: 2 }, rank: 8 }], [again.member]);
    expect(await store.get('j', '10009')).toMatchObject({ current: { netValueUsd: 2 }, rank: 8 });
  });

  it('records a rank call only for issues still in the state: one that left keeps no rank', async () => {
    // The rank job records its moves from the records it read before the call; an issue that left
    // the scope while the call was out must not get a rank back (it would outlive the issue).
    const held = recordFixture('20001', 5, { rank: '0|c:' });
    const gone = recordFixture('20002', 6, { rank: '0|d:' });
    await store.putMany([held, gone]);
    await store.remove(gone);
    await store.recordRanks(
      'j',
      new Map([
        ['20001', '0|e:'],
        ['20002', '0|f:'],
      ]),
    );
    expect((await store.get('j', '20001'))?.rank).toBe('0|e:');
    expect(await store.get('j', '20002')).toBeNull();
    expect(await redis.hexists(redisKeys(prefix).trackerRank('j'), '20002')).toBe(0);
  });

  it('keeps tracker state, rank and planned values apart from the score', async () => {
    await store.putTrackerState('j', [
      { id: '10001', current: { netValueUsd: 900 }, lastWrittenAt: 'then' },
    ]);
    await store.putRanks('j', new Map([['10001', '0|b:']]));
    await store.putMany([
      { ...record(900), current: { netValueUsd: 900 }, rank: '0|b:', lastWrittenAt: 'then' },
    ]);
    const [now] = await store.getMany('j', ['10001']);
    expect(now).toMatchObject({
      current: { netValueUsd: 900 },
      rank: '0|b:',
      lastWrittenAt: 'then',
      desired: { netValueUsd: 900, rankPosition: 3 },
    });
    await store.putPlanned('j', [{ id: '10001', planned: {} }]);
    expect((await store.get('j', '10001'))?.desired).toEqual({ netValueUsd: 900 });
  });

  it('reads every part back byte for byte, in windows and by id, whatever the text holds', async () => {
    // Multi-byte characters, the reply's own separators and digits: lengths are bytes, not characters.
    const titles = ['Ünïcode — 日本語 🚀', '12:34-', '-', '', 'a'.repeat(5000), '"quoted" \\ back'];
    const records = titles.map((title, i) => ({
      ...recordFixture(`w-${i}`, 100 * i, { key: `W-${i}`, rank: i % 2 ? i : null }),
      trackerId: 'w',
      title,
    }));
    await store.putMany(records);
    await store.putPlanned('w', [{ id: 'w-1', planned: { rankPosition: 7 } }]);
    const ids = records.map((r) => r.id);
    const byId = await store.getMany('w', [...ids, 'missing']);
    expect(byId.map((r) => r?.title ?? null)).toEqual([...titles, null]);
    expect(byId.map((r) => r?.rank ?? null)).toEqual([...records.map((r) => r.rank), null]);
    expect(byId[1]?.desired.rankPosition).toBe(7);
    for (const chunk of [1, 4, 200]) {
      const scanned: IssueRecord[] = [];
      for await (const window of store.scan('w', chunk)) scanned.push(...window);
      expect(new Map(scanned.map((r) => [r.id, r.title]))).toEqual(
        new Map(records.map((r) => [r.id, r.title])),
      );
    }
  });
});
