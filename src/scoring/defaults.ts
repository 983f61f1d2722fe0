import type { ScoringSettings } from '../domain/index.js';

/** The method's defaults: its two examples come out at exactly $3,000 and $4,500 with these. */
export const DEFAULT_SCORING_SETTINGS: Readonly<Required<ScoringSettings>> = Object.freeze({
  horizonMonths: 1,
  hourlyRateUsd: 50,
  hoursPerPoint: 8,
  missingInput: 'unscored',
  priorityThresholdsUsd: Object.freeze({ high: 5000, medium: 1000 }),
  rankBy: 'expected',
  order: 'netValue',
  metrics: Object.freeze({}),
});

/**
 * The settings as hashed to tell whether stored scores are stale (src/main.ts `settingsHash`):
 * the settings added with ranges and orders (`rankBy`, `order`, `metrics`) are left out while
 * they hold their defaults, so a deployment that does not set them keeps the hash of the release
 * before them and is not re-scored on upgrade.
 */
export function hashedSettings(settings: ScoringSettings): ScoringSettings {
  const { rankBy, order, metrics, ...rest } = settings;
  const hashed: ScoringSettings = rest;
  if (rankBy !== undefined && rankBy !== DEFAULT_SCORING_SETTINGS.rankBy) hashed.rankBy = rankBy;
  if (order !== undefined && order !== DEFAULT_SCORING_SETTINGS.order) hashed.order = order;
  if (metrics !== undefined && Object.keys(metrics).length > 0) hashed.metrics = metrics;
  return hashed;
}
