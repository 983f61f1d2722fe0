import { describe, expect, it } from 'vitest';
import { planSortKeys } from '../../connectors/linear/sort-keys.js';
import { compareRankAt, planOrder, type OrderColumns } from '../../src/pipeline/plan-tracker.js';
import type { TrackerRank } from '../../src/domain/index.js';

const linear = { plan: planSortKeys, apply: () => Promise.resolve() };

/** Plans a tracker whose issues `ids` hold `ranks` towards `target` (indexes in ranking order). */
function plan(ids: string[], ranks: (TrackerRank | null)[], target: number[]) {
  const columns: OrderColumns = { ids, ranks, pinned: new Set(), target };
  const current = ids.map((_, i) => i).sort(compareRankAt(ids, ranks, target));
  return { current, ...planOrder(columns, current, linear) };
}

describe('issues that hold the same tracker rank', () => {
  it('are moved apart whatever their ids: the tracker promises no order between them', () => {
    // Two issues share a sort key between two others; the ranking wants b before c. Whichever
    // way the ids sort, the plan moves one and gives it a key of its own.
    for (const ids of [
      ['a', 'b', 'c', 'd'],
      ['a', 'c', 'b', 'd'],
    ]) {
      const ranks = [1000, 2000, 2000, 3000];
      const { moved, changes } = plan(ids, ranks, [0, 1, 2, 3]);
      expect(moved).toBe(1);
      const [movedId] = [...changes.values.keys()];
      const key = changes.values.get(movedId as string)?.sortKey as number;
      expect(key).not.toBe(2000);
      // The moved issue now sits on the side the ranking asks for.
      expect(Math.sign(key - 2000)).toBe(movedId === ids[1] ? -1 : 1);
    }
  });

  it('leaves distinct ranks already in order, and unranked issues, where they are', () => {
    expect(plan(['a', 'b', 'c'], [1000, 2000, 3000], [0, 1, 2]).moved).toBe(0);
    // Unranked issues come last, among them by id: not moved for their tie.
    expect(plan(['a', 'b', 'c'], [1000, null, null], [0, 1, 2]).moved).toBe(0);
  });
});
