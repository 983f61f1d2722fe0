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

// Printable ASCII keeps synthetic rank strings readable and JSON-safe.
const MIN_CHAR = 0x20;
const MAX_CHAR = 0x7f; // exclusive

/** A string strictly between `lo` and `hi` in code-unit order (null: open end). */
export function between(lo: string | null, hi: string | null): string {
  const a = lo ?? '';
  let upper = hi;
  let out = '';
  for (let i = 0; ; i++) {
    const ca = i < a.length ? a.charCodeAt(i) : MIN_CHAR - 1;
    const cb = upper !== null && i < upper.length ? upper.charCodeAt(i) : MAX_CHAR;
    if (ca === cb) {
      out += String.fromCharCode(ca);
      continue;
    }
    const mid = Math.floor((ca + cb) / 2);
    if (mid > ca && mid >= MIN_CHAR) return out + String.fromCharCode(mid);
    // Adjacent characters: keep a's character and look for room further right.
    out += String.fromCharCode(Math.max(ca, MIN_CHAR));
    if (ca >= MIN_CHAR && !(upper !== null && i < upper.length && ca < cb)) continue;
    upper = null;
  }
}

/**
 * The order a batch-ranked tracker will have once a plan is applied, as strings that compare like
 * its own rank values (Jira LexoRank): moved issues get strings between their kept neighbours.
 * Stored locally so a second plan before the next pull does not repeat the same moves.
 */
export function assignRankStrings(
  plan: RankPlan,
  currentRanks: ReadonlyMap<string, string>,
): Map<string, string> {
  const moved = new Set(plan.moves.map((m) => m.id));
  const out = new Map<string, string>();
  const t = plan.target;
  for (let i = 0; i < t.length; i++) {
    const id = t[i] as string;
    if (!moved.has(id)) continue;
    const prev =
      i > 0 ? (out.get(t[i - 1] as string) ?? currentRanks.get(t[i - 1] as string) ?? null) : null;
    let next: string | null = null;
    for (let j = i + 1; j < t.length; j++) {
      if (!moved.has(t[j] as string)) {
        next = currentRanks.get(t[j] as string) ?? null;
        break;
      }
    }
    out.set(id, between(prev, next));
  }
  return out;
}
