/** The money model's result for one issue. */

export type ScoreStatus = 'scored' | 'unscored' | 'invalid';

export interface NetValue {
  status: ScoreStatus;
  /** Value in $ per month, when readable (the PERT mean when a range is given). */
  valueUsdPerMonth: number | null;
  /** Cost in $, when readable (the PERT mean when a range is given). */
  costUsd: number | null;
  /** Expected net value: Value x horizon - cost, rounded to cents; null unless scored. */
  netValueUsd: number | null;
  /** P10 of the net value (expected - 1.2815516 x sd); equals netValueUsd for point inputs. */
  netValueLowUsd: number | null;
  /** P90 of the net value (expected + 1.2815516 x sd); equals netValueUsd for point inputs. */
  netValueHighUsd: number | null;
  /** Chance (whole %) that the net value is above $0; null unless scored. */
  confidencePct: number | null;
  /**
   * Cost of delay divided by duration: mean Value ($/month) per mean Cost hour; null unless
   * scored with a Cost of more than 0 hours (or $0 at a known hourly rate).
   */
  cd3: number | null;
  /** Why it is not scored (`Value is missing`), empty when scored. */
  reason: string;
  /** One line, e.g. `$5,000/mo x 1 mo - 40 h x $50/h = $3,000`. */
  explanation: string;
}

/** A business metric a Value may be given as an impact on (`+5% signups`). */
export interface MetricSetting {
  /** For explanations: `sign-up revenue`. */
  name: string;
  /** What the metric is worth per month, in $. */
  baselineUsdPerMonth: number;
}

/** What the unified ranking sorts scored issues by: the expected net value or its P10. */
export type RankBy = 'expected' | 'p10';
/** `netValue`: by net value; `cd3`: issues worth doing by CD3 first (cost of delay / duration). */
export type RankOrder = 'netValue' | 'cd3';

export interface ScoringSettings {
  horizonMonths: number;
  hourlyRateUsd: number;
  hoursPerPoint: number;
  missingInput: 'unscored' | 'zero';
  /** Net value thresholds for priority buckets: >= high -> High, >= medium -> Medium, else Low. */
  priorityThresholdsUsd: { high: number; medium: number };
  /** Default `expected` (src/scoring/defaults.ts); optional so older callers keep compiling. */
  rankBy?: RankBy;
  /** Default `netValue`. */
  order?: RankOrder;
  /** Metrics by id (`signups`), for Values given as impacts. Default none. */
  metrics?: Record<string, MetricSetting>;
}
