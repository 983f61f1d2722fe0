/** The money model's result for one issue. */

export type ScoreStatus = 'scored' | 'unscored' | 'invalid';

export interface NetValue {
  status: ScoreStatus;
  /** Value in $ per month, when readable. */
  valueUsdPerMonth: number | null;
  /** Cost in $, when readable. */
  costUsd: number | null;
  /** Value x horizon - cost, rounded to cents; null unless scored. */
  netValueUsd: number | null;
  /** Why it is not scored (`Value is missing`), empty when scored. */
  reason: string;
  /** One line, e.g. `$5,000/mo x 1 mo - 40 h x $50/h = $3,000`. */
  explanation: string;
}

export interface ScoringSettings {
  horizonMonths: number;
  hourlyRateUsd: number;
  hoursPerPoint: number;
  missingInput: 'unscored' | 'zero';
  /** Net value thresholds for priority buckets: >= high -> High, >= medium -> Medium, else Low. */
  priorityThresholdsUsd: { high: number; medium: number };
}
