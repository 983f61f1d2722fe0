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
 * The order the board will have once a plan is applied, as strings that compare like Jira's own
 * rank values: moved issues get strings between their kept neighbours.
 */
export function assignRankStrings(
  plan: RankPlan,
  currentRanks: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const run of movedRuns(plan)) {
    let prev = run.before === null ? null : (currentRanks.get(run.before) ?? null);
    const next = run.after === null ? null : (currentRanks.get(run.after) ?? null);
    for (const id of plan.target.slice(run.start, run.end)) {
      prev = between(prev, next);
      out.set(id, prev);
    }
  }
  return out;
}

/** The calls and resulting ranks for a plan (Jira's `TrackerOrder.plan`). */
export function planRankCalls(
  plan: RankPlan,
  ranks: ReadonlyMap<string, TrackerRank>,
): OrderChanges {
  if (plan.moves.length === 0) return { values: new Map(), steps: [] };
  const strings = new Map<string, string>();
  for (const [id, rank] of ranks) if (typeof rank === 'string') strings.set(id, rank);
  const newRanks = assignRankStrings(plan, strings);
  const steps = toRankBatches(plan, MAX_RANK_BATCH).map((batch) => ({
    ...batch,
    ranks: Object.fromEntries(batch.ids.map((id) => [id, newRanks.get(id) ?? ''])),
  }));
  return { values: new Map(), steps };
}
