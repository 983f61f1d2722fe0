import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { IssueStore } from '../../src/store/issue-store.js';
import { redisKeys } from '../../src/store/keys.js';
import { REDIS_URL } from './pipeline-harness.js';
import { recordFixture } from './record-fixture.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const keys = redisKeys(prefix);
const redis = new Redis(REDIS_URL);
const store = new IssueStore(redis, keys, (corrupt) => {
  throw new Error(`unexpected: ${corrupt.message}`);
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

// Cents, as the money model rounds them (JSON has no -0: `|| 0` makes it 0).
const money = fc
  .double({ min: -1e7, max: 1e7, noNaN: true })
  .map((v) => Math.round(v * 100) / 100 || 0);

/** A record with every part that the stored form may leave out either at its default or not. */
const records = fc
  .record({
    id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
    net: fc.option(money, { nil: null }),
    low: fc.option(money, { nil: undefined }),
    high: fc.option(money, { nil: undefined }),
    confidence: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    cd3: fc.option(
      fc.double({ min: 0, max: 1e4, noNaN: true }).map((v) => v || 0),
      { nil: null },
    ),
    reason: fc.constantFrom('', 'Value is missing'),
    pinned: fc.boolean(),
    lastWrittenAt: fc.constantFrom(null, '2026-11-30T06:00:00.000Z'),
    workType: fc.boolean(),
  })
  .map((g): IssueRecord => {
    const base = recordFixture(g.id, g.net ?? 0, {
      key: `APP-${g.id}`,
      current: { netValueUsd: 1 },
      rank: '0|a:',
      pinned: g.pinned,
      lastWrittenAt: g.lastWrittenAt,
    });
    const pointConfidence = g.net === null ? null : g.net > 0 ? 100 : 0;
    return {
      ...base,
      result: {
        ...base.result,
        status: g.net === null ? 'unscored' : 'scored',
        netValueUsd: g.net,
        netValueLowUsd: g.low ?? g.net,
        netValueHighUsd: g.high ?? g.net,
        confidencePct: g.confidence ?? pointConfidence,
        cd3: g.cd3,
        reason: g.reason,
      },
      desired: { netValueUsd: g.net },
      ...(g.workType ? { workType: { type: 'technical', rule: 'label tech-debt' } } : {}),
    };
  });

describe('stored record form', () => {
  it('reads back every record as it was saved, whatever it leaves out', async () => {
    await fc.assert(
      fc.asyncProperty(records, async (record) => {
        // A pull saves the tracker's state only over the write it read (SAVE_PULLED_STATE).
        if (record.lastWrittenAt !== null) await store.putTrackerState('j', [record]);
        await store.putMany([record]);
        expect(await store.get('j', record.id)).toEqual(record);
        await store.remove(record);
      }),
      { numRuns: 60 },
    );
  });

  it('leaves out what the hash says and what equals its default', async () => {
    const record = recordFixture('20001', 700, { current: { netValueUsd: 1 } });
    await store.putMany([record]);
    const stored = JSON.parse((await redis.hget(keys.issues('j'), '20001')) ?? '{}') as Record<
      string,
      unknown
    >;
    const state = JSON.parse((await redis.hget(keys.trackerState('j'), '20001')) ?? '{}') as Record<
      string,
      unknown
    >;
    for (const key of ['trackerId', 'id', 'pinned']) expect(stored).not.toHaveProperty(key);
    expect(Object.keys(stored['result'] as object).sort()).toEqual(
      ['costUsd', 'explanation', 'netValueUsd', 'status', 'valueUsdPerMonth'].sort(),
    );
    expect(state).toEqual({ current: { netValueUsd: 1 } });
  });

  it('reads a record stored with every field (before the short form) as it was', async () => {
    const record = recordFixture('20002', -40, { current: { netValueUsd: 3 }, rank: 5 });
    const { current, rank, lastWrittenAt, ...part } = record;
    await redis.hset(keys.issues('j'), record.id, JSON.stringify(part));
    await redis.hset(
      keys.trackerState('j'),
      record.id,
      JSON.stringify({ id: record.id, current, lastWrittenAt }),
    );
    await redis.hset(keys.trackerRank('j'), record.id, JSON.stringify(rank));
    expect(await store.get('j', record.id)).toEqual(record);
  });
});
