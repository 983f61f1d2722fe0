/**
 * Minimal re-rank planner. Keeps the longest run of issues already in the right relative order
 * (a longest increasing subsequence of current positions along the target order) and moves only
 * the rest, so a tracker sees N - LIS moves. Pinned issues keep their exact place; everyone else
 * is ordered around them.
 */
import type { Move, RankPlan } from '../domain/index.js';

/** Indexes (into `seq`) of one longest strictly increasing subsequence, O(n log n). */
export function longestIncreasing(seq: ArrayLike<number>): number[] {
  const tails = new Int32Array(seq.length); // tails[k] = index in seq of the smallest tail of a run of length k+1
  let length = 0;
  const prev = new Int32Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i] as number;
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((seq[tails[mid] as number] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1] as number;
    tails[lo] = i;
    if (lo === length) length++;
  }
  const out: number[] = new Array<number>(length);
  let k = length > 0 ? (tails[length - 1] as number) : -1;
  for (let j = length - 1; j >= 0; j--) {
    out[j] = k;
    k = prev[k] as number;
  }
  return out;
}

/**
 * The final order as current positions: pinned issues stay in the slots they hold now; the others
 * fill the remaining slots in target order. Positions repeated in `target` count once; issues the
 * target does not mention keep their relative order after the ranked ones.
 */
function finalOrder(n: number, target: ArrayLike<number>, isPinned: Uint8Array): Int32Array {
  const used = new Uint8Array(n);
  const free = new Int32Array(n);
  let count = 0;
  for (let k = 0; k < target.length; k++) {
    const p = target[k] as number;
    if (isPinned[p] === 1 || used[p] === 1) continue;
    used[p] = 1;
    free[count++] = p;
  }
  for (let p = 0; p < n; p++) if (isPinned[p] === 0 && used[p] === 0) free[count++] = p;
  const order = new Int32Array(n);
  let next = 0;
  for (let p = 0; p < n; p++) order[p] = isPinned[p] === 1 ? p : (free[next++] as number);
  return order;
}

/**
 * The plan on compact arrays: issues are their positions in the tracker's current order
 * (`currentOrder[p]` is the id at position p), `target` lists positions in target order and
 * `isPinned[p]` flags pinned ones. No map from ids, so a plan over hundreds of thousands of issues
 * costs a few bytes per issue (README "Performance").
 */
export function planPositions(
  currentOrder: readonly string[],
  target: ArrayLike<number>,
  isPinned: Uint8Array,
): RankPlan {
  const n = currentOrder.length;
  // slot[i]: the current position of the issue in final slot i.
  const slot = finalOrder(n, target, isPinned);
  const kept = new Uint8Array(n);
  let keptCount = 0;
  // Pinned issues are always kept; between two pinned issues only issues whose current place is
  // also between them can be kept, so an LIS is taken per segment within those bounds.
  let segmentStart = 0;
  let lowerBound = -1;
  const closeSegment = (end: number, upperBound: number): void => {
    const eligible: number[] = [];
    for (let i = segmentStart; i < end; i++) {
      const p = slot[i] as number;
      if (p > lowerBound && p < upperBound) eligible.push(p);
    }
    for (const j of longestIncreasing(eligible)) {
      kept[eligible[j] as number] = 1;
      keptCount++;
    }
  };
  for (let i = 0; i < n; i++) {
    const p = slot[i] as number;
    if (isPinned[p] === 0) continue;
    closeSegment(i, p);
    kept[p] = 1;
    keptCount++;
    lowerBound = p;
    segmentStart = i + 1;
  }
  closeSegment(n, Number.POSITIVE_INFINITY);

  const moves: Move[] = [];
  const ids: string[] = new Array<string>(n);
  const movedAt = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = slot[i] as number;
    const id = currentOrder[p] as string;
    ids[i] = id;
    if (kept[p] === 1) continue;
    movedAt[i] = 1;
    moves.push({ id, afterId: i === 0 ? null : (ids[i - 1] as string) });
  }
  return { target: ids, moves, keptCount, movedAt };
}

/** `planPositions` for ids; ids in `targetOrder` missing from `currentOrder` are ignored. */
export function planMoves(
  currentOrder: readonly string[],
  targetOrder: readonly string[],
  pinned: ReadonlySet<string> = new Set(),
): RankPlan {
  const position = new Map<string, number>();
  currentOrder.forEach((id, i) => position.set(id, i));
  const isPinned = new Uint8Array(currentOrder.length);
  for (const id of pinned) {
    const p = position.get(id);
    if (p !== undefined) isPinned[p] = 1;
  }
  const target: number[] = [];
  for (const id of targetOrder) {
    const p = position.get(id);
    if (p !== undefined) target.push(p);
  }
  return planPositions(currentOrder, target, isPinned);
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
