import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoreStatus } from '../../src/domain/index.js';
import { priorityBucket, rankItems, type RankItem } from '../../src/scoring/rank.js';

const item = (
  trackerId: string,
  key: string,
  netValueUsd: number | null,
  costUsd: number | null = 0,
  status: ScoreStatus = netValueUsd === null ? 'unscored' : 'scored',
): RankItem => ({ trackerId, key, result: { status, netValueUsd, costUsd } });

const keys = (items: RankItem[]): string[] =>
  rankItems(items).map((r) => `${r.item.trackerId}/${r.item.key}`);

describe('unified ranking', () => {
  it('orders by net value, descending, across trackers', () => {
    expect(
      keys([item('jira', 'A-1', 10), item('linear', 'E-1', 30), item('jira', 'A-2', -5)]),
    ).toEqual(['linear/E-1', 'jira/A-1', 'jira/A-2']);
  });

  it('breaks ties by lower cost first', () => {
    expect(keys([item('j', 'A-1', 100, 50), item('j', 'A-2', 100, 10)])).toEqual([
      'j/A-2',
      'j/A-1',
    ]);
  });

  it('then by tracker id, then issue key in natural order', () => {
    expect(
      keys([
        item('b', 'ENG-1', 5),
        item('a', 'ENG-10', 5),
        item('a', 'ENG-2', 5),
        item('a', 'ENG-1', 5),
      ]),
    ).toEqual(['a/ENG-1', 'a/ENG-2', 'a/ENG-10', 'b/ENG-1']);
  });

  it('puts unscored and invalid issues last, by tracker and key', () => {
    expect(
      keys([
        item('j', 'A-3', null, null, 'invalid'),
        item('j', 'A-2', null),
        item('j', 'A-1', -1_000_000),
      ]),
    ).toEqual(['j/A-1', 'j/A-2', 'j/A-3']);
  });

  it('gives 1-based positions', () => {
    expect(rankItems([item('j', 'A-1', 1), item('j', 'A-2', 2)]).map((r) => r.rank)).toEqual([
      1, 2,
    ]);
  });

  it('is a deterministic total order whatever the input order', () => {
    const arbItem = fc.record({
      trackerId: fc.constantFrom('acme-jira', 'acme-linear', 'b'),
      key: fc.tuple(fc.constantFrom('APP', 'ENG', 'OPS'), fc.nat(200)).map(([p, n]) => `${p}-${n}`),
      net: fc.option(fc.integer({ min: -100_000, max: 100_000 }).map((c) => c / 100)),
      cost: fc.integer({ min: 0, max: 5000 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(arbItem, { selector: (i) => `${i.trackerId}/${i.key}`, maxLength: 60 }),
        (raw) => {
          const items = raw.map((r) => item(r.trackerId, r.key, r.net, r.cost));
          const once = keys(items);
          const shuffled = keys([...items].reverse());
          const sorted = keys([...items].sort((a, b) => (a.key < b.key ? 1 : -1)));
          expect(shuffled).toEqual(once);
          expect(sorted).toEqual(once);
          // Scored issues are in non-increasing net value order, unscored after them.
          const ranked = rankItems(items).map((r) => r.item.result.netValueUsd);
          const firstNull = ranked.indexOf(null);
          const scored = (firstNull === -1 ? ranked : ranked.slice(0, firstNull)) as number[];
          expect(ranked.slice(scored.length).every((v) => v === null)).toBe(true);
          for (let i = 1; i < scored.length; i++)
            expect(scored[i - 1]).toBeGreaterThanOrEqual(scored[i] as number);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('priority buckets', () => {
  const thresholds = { high: 5000, medium: 1000 };
  it.each([
    { net: 5000, bucket: 2 },
    { net: 4999.99, bucket: 3 },
    { net: 1000, bucket: 3 },
    { net: 999, bucket: 4 },
    { net: -50, bucket: 4 },
    { net: null, bucket: null },
  ])('$net -> $bucket (never urgent)', ({ net, bucket }) => {
    expect(priorityBucket(net, thresholds)).toBe(bucket);
  });
});
