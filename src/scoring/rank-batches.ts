/**
 * Groups a plan's moves into calls of a batch-ranking API (Jira's agile rank: at most 50 issues
 * per call, placed before or after an anchor, in-call order kept). A run of consecutive moved
 * issues goes after the issue before it; a run at the very top goes before the first kept issue.
 */
import type { RankBatch, RankPlan } from '../domain/index.js';

export function toRankBatches(plan: RankPlan, maxPerCall: number): RankBatch[] {
  const moved = new Set(plan.moves.map((m) => m.id));
  const batches: RankBatch[] = [];
  let i = 0;
  while (i < plan.target.length) {
    if (!moved.has(plan.target[i] as string)) {
      i++;
      continue;
    }
    let end = i;
    while (end < plan.target.length && moved.has(plan.target[end] as string)) end++;
    const run = plan.target.slice(i, end);
    for (let c = 0; c < run.length; c += maxPerCall) {
      const ids = run.slice(c, c + maxPerCall);
      if (c > 0) batches.push({ ids, after: run[c - 1] as string });
      else if (i > 0) batches.push({ ids, after: plan.target[i - 1] as string });
      else batches.push({ ids, before: plan.target[end] as string });
    }
    i = end;
  }
  return batches;
}
