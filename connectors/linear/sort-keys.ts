/**
 * Linear's order: `prioritySortOrder` (lower first), the order of every priority-sorted view.
 * Each run of moved issues is spread evenly between its kept neighbours' keys. When the gap is
 * too small to split, every issue is renumbered (a rebalance) and all of them are returned.
 */
import {
  movedRuns,
  type RankPlan,
  type TrackerRank,
  type WriteValues,
} from '../../src/domain/index.js';
import type { OrderChanges } from '../connector.js';

/** Spacing used at the ends and when rebalancing. */
export const SORT_KEY_STEP = 1000;
/** Below this gap, floats stop being trustworthy for ordering: rebalance. */
const MIN_GAP = 1e-6;

export function assignSortKeys(
  plan: RankPlan,
  currentKeys: { get(id: string): number | undefined },
): Map<string, number> {
  const keys = new Map<string, number>();
  const t = plan.target;
  for (const run of movedRuns(plan)) {
    const lo = run.before === null ? null : (currentKeys.get(run.before) ?? null);
    const hi = run.after === null ? null : (currentKeys.get(run.after) ?? null);
    const count = run.end - run.start;
    const from = lo ?? (hi ?? 0) - SORT_KEY_STEP * (count + 1);
    const to = hi ?? (lo ?? 0) + SORT_KEY_STEP * (count + 1);
    const step = (to - from) / (count + 1);
    if (!(step > MIN_GAP)) return rebalance(t);
    for (let k = 0; k < count; k++) keys.set(t[run.start + k] as string, from + step * (k + 1));
  }
  return keys;
}

function rebalance(target: readonly string[]): Map<string, number> {
  return new Map(target.map((id, index) => [id, (index + 1) * SORT_KEY_STEP]));
}

/**
 * Linear's `TrackerOrder.plan`: new sort keys ride on the issues' ordinary writes (one
 * `issueUpdate` carries sort key and priority together), so it plans no separate order steps.
 */
export function planSortKeys(
  plan: RankPlan,
  ranks: ReadonlyMap<string, TrackerRank>,
): OrderChanges {
  // Looked up, not copied: a copy of every issue's key was a second map of the whole board.
  const numbers = {
    get: (id: string) => {
      const rank = ranks.get(id);
      return typeof rank === 'number' ? rank : undefined;
    },
  };
  const keys = assignSortKeys(plan, numbers);
  const values = new Map<string, WriteValues>();
  for (const [id, sortKey] of keys) values.set(id, { sortKey });
  return { values, steps: [] };
}
