/**
 * Tracker-neutral issue model shared by connectors, scoring, workers and the server. The types
 * are inferred from their schemas, so an issue read back from a job payload, a webhook snapshot or
 * Redis is checked against the same definition the code compiles against.
 */
import { z } from 'zod';

/** A connector's kind (`jira`, `linear`, ...): the registry (connectors/registry.ts) lists them. */
export type TrackerKind = string;

/** How the Cost input is expressed. */
export const CostUnitSchema = z.enum(['hours', 'points', 'usd']);
export type CostUnit = z.infer<typeof CostUnitSchema>;

/**
 * An input as the tracker holds it: a number, `null` when missing, or the unreadable text as
 * found (e.g. a Linear label `$abc`), so the money model can say what was wrong.
 */
export const RawInputSchema = z.union([z.number(), z.string(), z.null()]);
export type RawInput = z.infer<typeof RawInputSchema>;

/** An issue's money inputs. */
export const MoneyInputsSchema = z.object({
  /** Value in $ per month. */
  value: RawInputSchema,
  /** Cost in `costUnit`. */
  cost: RawInputSchema,
  costUnit: CostUnitSchema,
  /** Overrides `scoring.hoursPerPoint` when the cost is in points (e.g. per Linear team). */
  hoursPerPoint: z.number().optional(),
  /**
   * Optional three-point ranges (docs/architecture.md, "The method"): `value` and `cost` are then
   * the most likely amounts. Missing bounds default to the most likely amount; with only low and
   * high, the most likely amount is their midpoint.
   */
  valueLow: RawInputSchema.optional(),
  valueHigh: RawInputSchema.optional(),
  costLow: RawInputSchema.optional(),
  costHigh: RawInputSchema.optional(),
  /**
   * Value as an impact on a business metric of `scoring.metrics`: `+5% signups`, `+3-8% signups`.
   * Exclusive with `value`, `valueLow` and `valueHigh`.
   */
  valueImpact: z.string().nullable().optional(),
  /** Where each input came from, for explanations (`label Value/$5k`, `field Cost (hours)`). */
  valueSource: z.string().optional(),
  costSource: z.string().optional(),
});
export type MoneyInputs = z.infer<typeof MoneyInputsSchema>;

/**
 * The values netvalue owns in a tracker. Each connector writes only the ones its config enables;
 * `null` means "cleared".
 */
export const WriteValuesSchema = z
  .object({
    /** Net value in $, e.g. a Jira number field. */
    netValueUsd: z.number().nullable().optional(),
    /** P10 of the net value in $ (a Jira number field). */
    netValueLowUsd: z.number().nullable().optional(),
    /** P90 of the net value in $ (a Jira number field). */
    netValueHighUsd: z.number().nullable().optional(),
    /** Chance that the net value is above $0, a whole percentage 0-100 (a Jira number field). */
    confidencePct: z.number().nullable().optional(),
    /** 1-based position in the unified ranking. */
    rankPosition: z.number().nullable().optional(),
    /** Priority bucket 0-4 in Linear's scale (0 none, 2 high, 3 medium, 4 low; never 1 urgent). */
    priority: z.number().nullable().optional(),
    /** A numeric sort key (Linear `prioritySortOrder`: lower sorts first). */
    sortKey: z.number().optional(),
    /** A short note shown on the issue (Linear attachment subtitle): net value and explanation. */
    note: z.string().nullable().optional(),
  })
  .strict();
export type WriteValues = z.infer<typeof WriteValuesSchema>;

export type WriteField = keyof WriteValues;

/**
 * The issue's current place in the tracker's own rank: a Jira LexoRank string or a Linear
 * `prioritySortOrder`. Compared only within one tracker; lower sorts first.
 */
export const TrackerRankSchema = z.union([z.string(), z.number(), z.null()]);

/**
 * What kind of work an issue is (README "Backlog reviews"): `technical` (tech debt, performance,
 * upgrades, ...) or `product`, by the tracker's `workType` rules; `unclassified` when none matched.
 * `rule` names the rule that matched (`label tech-debt`, `issue type Story`), or why none did.
 */
export const WorkTypeSchema = z
  .object({
    type: z.enum(['technical', 'product', 'unclassified']),
    rule: z.string(),
  })
  .strict();
export type WorkType = z.infer<typeof WorkTypeSchema>;

/** An issue as a connector maps it; validated again wherever it crosses a process boundary. */
export const IssueSchema = z
  .object({
    trackerId: z.string().min(1),
    /** The tracker's stable id (Jira numeric id, Linear UUID). */
    id: z.string().min(1),
    /** Human key (`APP-12`, `ENG-7`). */
    key: z.string().min(1),
    title: z.string(),
    url: z.string(),
    issueType: z.string().optional(),
    labels: z.array(z.string()),
    /** ISO-8601 time of the tracker's last update. */
    updatedAt: z.string(),
    inputs: MoneyInputsSchema.strict(),
    /** What the tracker currently holds in the fields netvalue writes. */
    current: WriteValuesSchema,
    /** See TrackerRankSchema. */
    rank: TrackerRankSchema,
    /** A person pinned the issue (pin label): rank moves never touch it. */
    pinned: z.boolean(),
    /** Technical or product work, by the tracker's `workType` rules (connectors/<kind>/work-type.ts). */
    workType: WorkTypeSchema.optional(),
  })
  .strict();
export type Issue = z.infer<typeof IssueSchema>;

/** Parses an Issue that crossed a process boundary (job payload, webhook snapshot). */
export function parseIssue(raw: unknown): Issue {
  return IssueSchema.parse(raw);
}

/** A reference to an issue in one tracker, enough to address a write. */
export interface IssueRef {
  trackerId: string;
  id: string;
  key: string;
}
