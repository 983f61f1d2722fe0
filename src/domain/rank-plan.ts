/** A minimal re-rank plan for one tracker: which issues move and where. */

export interface Move {
  id: string;
  /** Place right after this issue (null: at the very top). */
  afterId: string | null;
}

export interface RankPlan {
  /** Target order of every issue considered (ids). */
  target: string[];
  /** Issues that must move, in target order; everything else stays put. */
  moves: Move[];
  /** Longest run already in the right relative order (kept). */
  keptCount: number;
  /**
   * 1 where `target[i]` moves (the planner sets it; `movedRuns` then needs no set of ids, which
   * cost seconds at a million issues: README "Performance").
   */
  movedAt?: Uint8Array;
}

/**
 * An issue's place in its tracker's own order, compared only within one tracker (lower sorts
 * first): a Jira LexoRank string, a Linear `prioritySortOrder` number.
 */
export type TrackerRank = string | number;

/** One tracker call of a batch-ranking API: issues placed, in order, before or after an anchor. */
export interface RankBatch {
  ids: string[];
  before?: string;
  after?: string;
}

/** A run of consecutive moved issues in a plan's target order: `target[start..end)`. */
export interface MovedRun {
  start: number;
  end: number;
  /** The kept issue right before the run (null at the top). */
  before: string | null;
  /** The kept issue right after the run (null at the bottom). */
  after: string | null;
}

/**
 * The runs of moved issues, top to bottom. Every tracker places a run between its kept
 * neighbours its own way (Jira: rank calls anchored on them; Linear: sort keys between theirs).
 */
export function movedRuns(plan: RankPlan): MovedRun[] {
  const t = plan.target;
  const isMoved = plan.movedAt ?? movedMask(plan);
  const runs: MovedRun[] = [];
  let i = 0;
  while (i < t.length) {
    if (isMoved[i] !== 1) {
      i++;
      continue;
    }
    let end = i;
    while (end < t.length && isMoved[end] === 1) end++;
    runs.push({
      start: i,
      end,
      before: i > 0 ? (t[i - 1] as string) : null,
      after: end < t.length ? (t[end] as string) : null,
    });
    i = end;
  }
  return runs;
}

/** `RankPlan.movedAt` for a plan made without it. */
function movedMask(plan: RankPlan): Uint8Array {
  const moved = new Set(plan.moves.map((m) => m.id));
  return Uint8Array.from(plan.target, (id) => (moved.has(id) ? 1 : 0));
}
