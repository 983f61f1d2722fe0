import type { ScoringSettings } from '../domain/index.js';

/** The method's defaults: its two examples come out at exactly $3,000 and $4,500 with these. */
export const DEFAULT_SCORING_SETTINGS: Readonly<ScoringSettings> = Object.freeze({
  horizonMonths: 1,
  hourlyRateUsd: 50,
  hoursPerPoint: 8,
  missingInput: 'unscored',
  priorityThresholdsUsd: Object.freeze({ high: 5000, medium: 1000 }),
});
