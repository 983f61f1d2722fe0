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
}

/** One tracker call of a batch-ranking API (Jira: at most 50 issues placed before/after an anchor). */
export interface RankBatch {
  ids: string[];
  before?: string;
  after?: string;
}
