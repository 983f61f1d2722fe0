/**
 * New numeric sort keys (Linear `prioritySortOrder`, lower first) for the issues a plan moves:
 * each run of moved issues is spread evenly between its kept neighbours. When the gap is too
 * small to split, every issue is renumbered (a rebalance) and all of them are returned.
 */
import type { RankPlan } from '../domain/index.js';

/** Spacing used at the ends and when rebalancing. */
export const SORT_KEY_STEP = 1000;
/** Below this gap, floats stop being trustworthy for ordering: rebalance. */
const MIN_GAP = 1e-6;

export function assignSortKeys(
  plan: RankPlan,
  currentKeys: ReadonlyMap<string, number>,
): Map<string, number> {
  const moved = new Set(plan.moves.map((m) => m.id));
  const keys = new Map<string, number>();
  const t = plan.target;
  let i = 0;
  while (i < t.length) {
    if (!moved.has(t[i] as string)) {
      i++;
      continue;
    }
    let end = i;
    while (end < t.length && moved.has(t[end] as string)) end++;
    const lo = i > 0 ? (currentKeys.get(t[i - 1] as string) ?? null) : null;
    const hi = end < t.length ? (currentKeys.get(t[end] as string) ?? null) : null;
    const count = end - i;
    const from = lo ?? (hi ?? 0) - SORT_KEY_STEP * (count + 1);
    const to = hi ?? (lo ?? 0) + SORT_KEY_STEP * (count + 1);
    const step = (to - from) / (count + 1);
    if (!(step > MIN_GAP)) return rebalance(t);
    for (let k = 0; k < count; k++) keys.set(t[i + k] as string, from + step * (k + 1));
    i = end;
  }
  return keys;
}

function rebalance(target: readonly string[]): Map<string, number> {
  return new Map(target.map((id, index) => [id, (index + 1) * SORT_KEY_STEP]));
}
