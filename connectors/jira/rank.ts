/**
 * Jira's board order: the planner's moves become agile rank calls (at most 50 issues per call,
 * placed before or after a kept anchor, in-call order kept), and the LexoRank-like strings the
 * moved issues will hold afterwards, kept locally so a second plan before the next pull does not
 * repeat the same moves.
 */
import {
  movedRuns,
  type RankBatch,
  type RankPlan,
  type TrackerRank,
} from '../../src/domain/index.js';
import type { OrderChanges } from '../connector.js';

/** Jira's agile rank API takes at most 50 issues per call. */
export const MAX_RANK_BATCH = 50;

/**
 * A run of moved issues goes after the kept issue before it; a run at the very top goes before
 * the first kept issue. Runs longer than `maxPerCall` chain: each call after the previous one.
 */
export function toRankBatches(plan: RankPlan, maxPerCall: number): RankBatch[] {
  const batches: RankBatch[] = [];
  for (const run of movedRuns(plan)) {
    const ids = plan.target.slice(run.start, run.end);
    for (let c = 0; c < ids.length; c += maxPerCall) {
      const chunk = ids.slice(c, c + maxPerCall);
      if (c > 0) batches.push({ ids: chunk, after: ids[c - 1] as string });
      else if (run.before !== null) batches.push({ ids: chunk, after: run.before });
      else batches.push({ ids: chunk, before: run.after as string });
    }
  }
  return batches;
}

// Printable ASCII keeps synthetic rank strings readable and JSON-safe: each character is a digit,
// ' ' the zero.
const MIN_CHAR = 0x20;
const MAX_CHAR = 0x7f; // exclusive
const ZERO = String.fromCharCode(MIN_CHAR);

/**
 * A string strictly between `lo` and `hi` in code-unit order (null: open end), as fractional
 * indexing finds one: the strings are base-95 fractions, and none it makes ends in the zero digit,
 * so there is always room below one of them. (Ending a string in ' ' left none: nothing sorts
 * between 'a' and 'a ', and halving a run toward its start reached such a pair.) Rank strings
 * read from Jira end in ':' or a letter or digit.
 */
export function between(lo: string | null, hi: string | null): string {
  const a = lo ?? '';
  if (hi !== null) {
    let n = 0;
    while (n < hi.length && (a[n] ?? ZERO) === hi[n]) n++;
    if (n > 0) return hi.slice(0, n) + between(a.slice(n), hi.slice(n));
  }
  const digitA = a.length > 0 ? a.charCodeAt(0) - MIN_CHAR : 0;
  const digitB = hi !== null && hi.length > 0 ? hi.charCodeAt(0) - MIN_CHAR : MAX_CHAR - MIN_CHAR;
  if (digitB - digitA > 1) return String.fromCharCode(MIN_CHAR + Math.round((digitA + digitB) / 2));
  // Adjacent digits: hi's first digit alone is between when hi goes on; else extend a.
  if (hi !== null && hi.length > 1) return hi.slice(0, 1);
  return String.fromCharCode(MIN_CHAR + digitA) + between(a.slice(1), null);
}

/**
 * The order the board will have once a plan is applied, as strings that compare like Jira's own
 * rank values: moved issues get strings between their kept neighbours. A run's middle issue gets
 * a string between the run's neighbours, then each half between its own (`assignBetween`), so a
 * run of k issues adds about log2(k) / 6.5 characters. One after another, each between the one
 * before and the run's end, they grew by a character every few issues: a re-order of 100,000
 * issues (a settings change) allocated some 300 MB of strings (README "Performance").
 */
export function assignRankStrings(
  plan: RankPlan,
  currentRanks: { get(id: string): string | undefined },
): Map<string, string> {
  const out = new Map<string, string>();
  for (const run of movedRuns(plan)) {
    const lo = run.before === null ? null : (currentRanks.get(run.before) ?? null);
    const hi = run.after === null ? null : (currentRanks.get(run.after) ?? null);
    assignBetween(plan.target.slice(run.start, run.end), 0, run.end - run.start, lo, hi, out);
  }
  return out;
}

/** Strings for `ids[start..end)` in order, strictly between `lo` and `hi` (recursion depth log2). */
function assignBetween(
  ids: readonly string[],
  start: number,
  end: number,
  lo: string | null,
  hi: string | null,
  out: Map<string, string>,
): void {
  if (start >= end) return;
  const mid = (start + end) >>> 1;
  const rank = between(lo, hi);
  out.set(ids[mid] as string, rank);
  assignBetween(ids, start, mid, lo, rank, out);
  assignBetween(ids, mid + 1, end, rank, hi, out);
}

/** The calls and resulting ranks for a plan (Jira's `TrackerOrder.plan`). */
export function planRankCalls(
  plan: RankPlan,
  ranks: ReadonlyMap<string, TrackerRank>,
): OrderChanges {
  if (plan.moves.length === 0) return { values: new Map(), steps: [] };
  // Looked up, not copied: a copy of every issue's rank was a second map of the whole board.
  const strings = {
    get: (id: string) => {
      const rank = ranks.get(id);
      return typeof rank === 'string' ? rank : undefined;
    },
  };
  const newRanks = assignRankStrings(plan, strings);
  const steps = toRankBatches(plan, MAX_RANK_BATCH).map((batch) => ({
    ...batch,
    ranks: Object.fromEntries(batch.ids.map((id) => [id, newRanks.get(id) ?? ''])),
  }));
  return { values: new Map(), steps };
}
