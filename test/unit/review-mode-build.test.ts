/**
 * Review mode's pure parts (src/pipeline/pending-plan-build.ts): pending items in words, and a
 * plan's order calls cut down to the approved issues.
 */
import { describe, expect, it } from 'vitest';
import { approvedSteps, pendingItems } from '../../src/pipeline/pending-plan-build.js';
import type { PlanStep } from '../../src/store/pending-plans.js';
import { recordFixture } from '../integration/record-fixture.js';

describe('approvedSteps', () => {
  const r = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, `r-${id}`]));
  const cases: { rule: string; steps: PlanStep[]; approved: string[]; want: PlanStep[] }[] = [
    {
      rule: 'keeps only approved issues, on the same kept anchor',
      steps: [{ ids: ['a', 'b'], after: 'K', ranks: r(['a', 'b']) }],
      approved: ['b'],
      want: [{ ids: ['b'], after: 'K', ranks: r(['b']) }],
    },
    {
      rule: 'a call chained on an approved issue keeps its anchor',
      steps: [
        { ids: ['a', 'b'], after: 'K', ranks: r(['a', 'b']) },
        { ids: ['c', 'd'], after: 'b', ranks: r(['c', 'd']) },
      ],
      approved: ['b', 'd'],
      want: [
        { ids: ['b'], after: 'K', ranks: r(['b']) },
        { ids: ['d'], after: 'b', ranks: r(['d']) },
      ],
    },
    {
      rule: 'a call chained on a waiting issue anchors after the last approved one before it',
      steps: [
        { ids: ['a', 'b'], after: 'K', ranks: r(['a', 'b']) },
        { ids: ['c'], after: 'b', ranks: r(['c']) },
      ],
      approved: ['a', 'c'],
      want: [
        { ids: ['a'], after: 'K', ranks: r(['a']) },
        { ids: ['c'], after: 'a', ranks: r(['c']) },
      ],
    },
    {
      rule: 'with nothing approved before it in the run, on the run’s own anchor',
      steps: [
        { ids: ['a', 'b'], before: 'K', ranks: r(['a', 'b']) },
        { ids: ['c'], after: 'b', ranks: r(['c']) },
      ],
      approved: ['c'],
      want: [{ ids: ['c'], before: 'K', ranks: r(['c']) }],
    },
    {
      rule: 'nothing approved: no call',
      steps: [{ ids: ['a'], after: 'K', ranks: r(['a']) }],
      approved: ['z'],
      want: [],
    },
  ];
  it.each(cases)('$rule', ({ steps, approved, want }) => {
    expect(approvedSteps(steps, new Set(approved))).toEqual(want);
  });
});

describe('pendingItems', () => {
  // Board order 3, 1, 2 (by rank); ranking order 1, 2, 3 (by net value).
  const records = [
    recordFixture('1', 3000, { rank: 'b', current: { netValueUsd: 3000 } }),
    recordFixture('2', 2000, { rank: 'c', current: { netValueUsd: 1500 } }),
    recordFixture('3', 1000, { rank: 'a', current: { netValueUsd: 1000 } }),
  ];
  const steps = [{ ids: ['3'], after: '2', ranks: { '3': 'd' } }];

  it('lists value changes and moves in words, in ranking order, and nothing else', () => {
    const items = pendingItems(records, steps).map((i) => i.item);
    expect(items.map((i) => [i.key, i.changes, i.move, i.position])).toEqual([
      ['APP-2', [{ field: 'netValueUsd', from: 1500, to: 2000 }], null, 1],
      ['APP-3', [], { text: 'moves below APP-2 (rank 1 → 3)', fromRank: 1, toRank: 3 }, 2],
    ]);
    expect(items.map((i) => i.writes)).toEqual([true, false]);
  });

  it('shows a Linear sort key as a move, never the number, and writes it', () => {
    const linear = records.map((rec) =>
      rec.id === '3'
        ? {
            ...rec,
            rank: 1,
            current: { ...rec.current, sortKey: 1 },
            desired: { ...rec.desired, sortKey: 9 },
          }
        : { ...rec, rank: rec.id === '1' ? 2 : 3 },
    );
    const [item] = pendingItems(linear, [])
      .map((i) => i.item)
      .filter((i) => i.key === 'APP-3');
    expect(item).toMatchObject({ changes: [], writes: true });
    expect(item?.move?.text).toBe('moves below APP-2 (rank 1 → 3)');
  });

  it('fingerprints what an item asks for: the same values and place give the same print', () => {
    const print = (rs: typeof records) => pendingItems(rs, steps).map((i) => i.fingerprint);
    const again = print(records.map((rec) => ({ ...rec, title: 'renamed' })));
    expect(again).toEqual(print(records));
    const moreValue = records.map((rec) =>
      rec.id === '2' ? { ...rec, desired: { netValueUsd: 2500 } } : rec,
    );
    expect(print(moreValue)[0]).not.toBe(print(records)[0]);
  });
});
