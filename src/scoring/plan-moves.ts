/**
 * Minimal re-rank planner. Keeps the longest run of issues already in the right relative order
 * (a longest increasing subsequence of current positions along the target order) and moves only
 * the rest, so a tracker sees N - LIS moves. Pinned issues keep their exact place; everyone else
 * is ordered around them.
 */
import type { Move, RankPlan } from '../domain/index.js';

/** Indexes (into `seq`) of one longest strictly increasing subsequence, O(n log n). */
export function longestIncreasing(seq: readonly number[]): number[] {
  const tails: number[] = []; // tails[k] = index in seq of the smallest tail of a run of length k+1
  const prev = new Int32Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i] as number;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((seq[tails[mid] as number] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
  }
  const out: number[] = new Array<number>(tails.length);
  let k = tails.length > 0 ? (tails[tails.length - 1] as number) : -1;
  for (let j = tails.length - 1; j >= 0; j--) {
    out[j] = k;
    k = prev[k] as number;
  }
  return out;
}

/**
 * The final order: pinned issues stay in the slots they hold now; the others fill the remaining
 * slots in target order. Ids in `targetOrder` missing from `currentOrder` are ignored.
 */
function finalOrder(
  currentOrder: readonly string[],
  targetOrder: readonly string[],
  pinned: ReadonlySet<string>,
): string[] {
  const present = new Set(currentOrder);
  const free = targetOrder.filter((id) => present.has(id) && !pinned.has(id));
  const seen = new Set(free);
  // Issues the target does not mention keep their relative order after the ranked ones.
  for (const id of currentOrder) if (!pinned.has(id) && !seen.has(id)) free.push(id);
  let next = 0;
  return currentOrder.map((id) => (pinned.has(id) ? id : (free[next++] as string)));
}

export function planMoves(
  currentOrder: readonly string[],
  targetOrder: readonly string[],
  pinned: ReadonlySet<string> = new Set(),
): RankPlan {
  const target = finalOrder(currentOrder, targetOrder, pinned);
  const position = new Map(currentOrder.map((id, i) => [id, i]));
  const kept = new Set<string>();
  // Pinned issues are always kept; between two pinned issues only issues whose current place is
  // also between them can be kept, so an LIS is taken per segment within those bounds.
  let segment: number[] = [];
  let lowerBound = -1;
  const closeSegment = (upperBound: number): void => {
    const eligible = segment.filter((i) => {
      const p = position.get(target[i] as string) as number;
      return p > lowerBound && p < upperBound;
    });
    const seq = eligible.map((i) => position.get(target[i] as string) as number);
    for (const j of longestIncreasing(seq)) kept.add(target[eligible[j] as number] as string);
    segment = [];
  };
  target.forEach((id, i) => {
    if (!pinned.has(id)) {
      segment.push(i);
      return;
    }
    const p = position.get(id) as number;
    closeSegment(p);
    kept.add(id);
    lowerBound = p;
  });
  closeSegment(Number.POSITIVE_INFINITY);

  const moves: Move[] = [];
  target.forEach((id, i) => {
    if (!kept.has(id)) moves.push({ id, afterId: i === 0 ? null : (target[i - 1] as string) });
  });
  return { target, moves, keptCount: kept.size };
}

/** Applies a plan to an order, move by move, as a tracker would. For tests and dry runs. */
export function applyPlan(currentOrder: readonly string[], plan: RankPlan): string[] {
  const order = [...currentOrder];
  for (const move of plan.moves) {
    order.splice(order.indexOf(move.id), 1);
    const at = move.afterId === null ? 0 : order.indexOf(move.afterId) + 1;
    order.splice(at, 0, move.id);
  }
  return order;
}
