/**
 * The points of the dashboard's value/cost matrix (`GET /admin/matrix`): per scored issue its
 * Value over the horizon and its Cost in dollars, and, for a three-point estimate, the low and
 * high ends of each (the whiskers). The ends are computed by the money model itself on the
 * bound taken as a point input, so the matrix never re-implements a unit or a metric.
 */
import type { MoneyInputs, ScoringSettings } from '../../domain/index.js';
import { netValue, parseImpact } from '../../scoring/net-value.js';
import type { IssueRecord } from '../../store/issue-record.js';

export interface MatrixPoint {
  rank: number;
  trackerId: string;
  key: string;
  title: string;
  /** Expected Value over the horizon ($). */
  valueUsd: number;
  costUsd: number;
  netValueUsd: number;
  /** Low and high Value over the horizon; null for a point estimate. */
  valueLowUsd: number | null;
  valueHighUsd: number | null;
  /** Low and high Cost; null for a point estimate. */
  costLowUsd: number | null;
  costHighUsd: number | null;
}

type End = 'low' | 'high';

/** The inputs without any range: each side a point. */
function pointInputs(inputs: MoneyInputs): MoneyInputs {
  const { valueLow: _vl, valueHigh: _vh, costLow: _cl, costHigh: _ch, ...point } = inputs;
  return point;
}

/** Value per month at one end of its range, or null when Value is a point. */
function valueEnd(inputs: MoneyInputs, settings: ScoringSettings, end: End): number | null {
  const point = pointInputs(inputs);
  const impact = inputs.valueImpact?.trim();
  if (impact) {
    const parsed = parseImpact(impact);
    if ('error' in parsed || parsed.lowPct === parsed.highPct) return null;
    const pct = end === 'low' ? parsed.lowPct : parsed.highPct;
    return netValue({ ...point, valueImpact: `+${pct}% ${parsed.metric}` }, settings)
      .valueUsdPerMonth;
  }
  const bound = end === 'low' ? inputs.valueLow : inputs.valueHigh;
  if (bound === undefined || bound === null) {
    const other = end === 'low' ? inputs.valueHigh : inputs.valueLow;
    if (other === undefined || other === null) return null;
  }
  return netValue({ ...point, value: bound ?? inputs.value }, settings).valueUsdPerMonth;
}

/** Cost ($) at one end of its range, or null when Cost is a point. */
function costEnd(inputs: MoneyInputs, settings: ScoringSettings, end: End): number | null {
  if (
    (inputs.costLow === undefined || inputs.costLow === null) &&
    (inputs.costHigh === undefined || inputs.costHigh === null)
  )
    return null;
  const bound = end === 'low' ? inputs.costLow : inputs.costHigh;
  return netValue({ ...pointInputs(inputs), cost: bound ?? inputs.cost }, settings).costUsd;
}

/** Both ends, or nulls when they are equal (nothing to draw). */
function range(
  low: number | null,
  high: number | null,
  scale: number,
): [number | null, number | null] {
  if (low === null || high === null || low === high) return [null, null];
  return [low * scale, high * scale];
}

/** The matrix point of a scored issue; null for an issue that needs input. */
export function matrixPoint(
  rank: number,
  record: IssueRecord,
  settings: ScoringSettings,
): MatrixPoint | null {
  const { result, inputs } = record;
  if (result.status !== 'scored' || result.netValueUsd === null) return null;
  const horizon = settings.horizonMonths;
  const [valueLowUsd, valueHighUsd] = range(
    valueEnd(inputs, settings, 'low'),
    valueEnd(inputs, settings, 'high'),
    horizon,
  );
  const [costLowUsd, costHighUsd] = range(
    costEnd(inputs, settings, 'low'),
    costEnd(inputs, settings, 'high'),
    1,
  );
  return {
    rank,
    trackerId: record.trackerId,
    key: record.key,
    title: record.title,
    valueUsd: (result.valueUsdPerMonth ?? 0) * horizon,
    costUsd: result.costUsd ?? 0,
    netValueUsd: result.netValueUsd,
    valueLowUsd,
    valueHighUsd,
    costLowUsd,
    costHighUsd,
  };
}
