/** Tracker-neutral issue model shared by connectors, scoring, workers and the server. */

export type TrackerKind = 'jira' | 'linear';

/** How the Cost input is expressed. */
export type CostUnit = 'hours' | 'points' | 'usd';

/**
 * An input as the tracker holds it: a number, `null` when missing, or the unreadable text as
 * found (e.g. a Linear label `$abc`), so the money model can say what was wrong.
 */
export type RawInput = number | string | null;

export interface MoneyInputs {
  /** Value in $ per month. */
  value: RawInput;
  /** Cost in `costUnit`. */
  cost: RawInput;
  costUnit: CostUnit;
  /** Overrides `scoring.hoursPerPoint` when the cost is in points (e.g. per Linear team). */
  hoursPerPoint?: number;
  /** Where each input came from, for explanations (`label Value/$5k`, `field Cost (hours)`). */
  valueSource?: string;
  costSource?: string;
}

/**
 * The values netvalue owns in a tracker. Each connector writes only the ones its config enables;
 * `null` means "cleared".
 */
export interface WriteValues {
  /** Net value in $, e.g. a Jira number field. */
  netValueUsd?: number | null;
  /** 1-based position in the unified ranking. */
  rankPosition?: number | null;
  /** Priority bucket 0-4 in Linear's scale (0 none, 2 high, 3 medium, 4 low; never 1 urgent). */
  priority?: number | null;
  /** A numeric sort key (Linear `prioritySortOrder`: lower sorts first). */
  sortKey?: number;
  /** A short note shown on the issue (Linear attachment subtitle): net value and explanation. */
  note?: string | null;
}

export type WriteField = keyof WriteValues;

export interface Issue {
  trackerId: string;
  /** The tracker's stable id (Jira numeric id, Linear UUID). */
  id: string;
  /** Human key (`APP-12`, `ENG-7`). */
  key: string;
  title: string;
  url: string;
  issueType?: string;
  labels: string[];
  /** ISO-8601 time of the tracker's last update. */
  updatedAt: string;
  inputs: MoneyInputs;
  /** What the tracker currently holds in the fields netvalue writes. */
  current: WriteValues;
  /**
   * The issue's current place in the tracker's own rank: a Jira LexoRank string or a Linear
   * `prioritySortOrder`. Compared only within one tracker; lower sorts first.
   */
  rank: string | number | null;
  /** A person pinned the issue (pin label): rank moves never touch it. */
  pinned: boolean;
}

/** A reference to an issue in one tracker, enough to address a write. */
export interface IssueRef {
  trackerId: string;
  id: string;
  key: string;
}
