/**
 * The money model: net value ($) = Value ($/month) x horizon (months) - Cost ($).
 * Pure: no I/O, no clock. Missing inputs are never silently zero unless settings say so.
 *
 * Inputs may be three-point ranges (low, most likely, high). Each is read as PERT with a normal
 * approximation, Value and Cost independent (docs/architecture.md, "The method"):
 * mean = (low + 4 x mostLikely + high) / 6, sd = (high - low) / 6; expected net value =
 * horizon x mean Value - mean Cost, sdNet = sqrt((horizon x sd Value)^2 + sd Cost ($)^2),
 * P10/P90 = expected -/+ 1.2815516 x sdNet, confidence = Phi(expected / sdNet). Point inputs
 * (no range) give exactly the single-number results and explanation.
 *
 * Every amount is bounded (bounds.ts): an input whose dollars, or a result, are non-finite or
 * beyond +/- $1e13 makes the issue `invalid`, naming the input, so no such number is ever
 * ranked, stored or written.
 */
import type {
  MetricSetting,
  MoneyInputs,
  NetValue,
  RawInput,
  ScoringSettings,
} from '../domain/index.js';
import { MAX_ABS_USD_TEXT, withinBound } from './bounds.js';
import { DEFAULT_SCORING_SETTINGS } from './defaults.js';
import { formatNumber, formatUsd, formatWholeUsd, roundCents } from './format.js';

/** The standard normal's 90th percentile: P10 and P90 are this many sd from the mean. */
export const Z90 = 1.2815516;

type Read = { ok: true; n: number } | { ok: false; missing: boolean; text: string };

function read(raw: RawInput | undefined): Read {
  if (raw === null || raw === undefined) return { ok: false, missing: true, text: '' };
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return { ok: true, n: raw };
  return { ok: false, missing: false, text: typeof raw === 'string' ? `'${raw}'` : String(raw) };
}

function describeInvalid(name: string, text: string, raw: RawInput | undefined): string {
  if (typeof raw === 'number' && Number.isFinite(raw))
    return `${name} must not be negative, got ${text}`;
  return `${name} is not a usable number, got ${text}`;
}

/** A three-point estimate in the input's unit; low = mostLikely = high for a point. */
export interface ThreePoint {
  low: number;
  mostLikely: number;
  high: number;
}

type Side =
  | { kind: 'ok'; three: ThreePoint; prefix?: string }
  | { kind: 'missing' }
  | { kind: 'invalid'; messages: string[] };

export function isPoint(t: ThreePoint): boolean {
  return t.low === t.mostLikely && t.mostLikely === t.high;
}

/** PERT mean; exactly the amount for a point (no floating-point drift). */
export function pertMean(t: ThreePoint): number {
  return isPoint(t) ? t.mostLikely : (t.low + 4 * t.mostLikely + t.high) / 6;
}

export function pertSd(t: ThreePoint): number {
  return (t.high - t.low) / 6;
}

/** Reads most likely, low and high of one input (`Value`, `Cost`) into a three-point estimate. */
function readThree(
  name: string,
  rawMostLikely: RawInput | undefined,
  rawLow: RawInput | undefined,
  rawHigh: RawInput | undefined,
): Side {
  const parts: [string, RawInput | undefined, Read][] = [
    [name, rawMostLikely, read(rawMostLikely)],
    [`${name} low`, rawLow, read(rawLow)],
    [`${name} high`, rawHigh, read(rawHigh)],
  ];
  const invalid = parts
    .filter(([, , r]) => !r.ok && !r.missing)
    .map(([label, raw, r]) => describeInvalid(label, r.ok ? '' : r.text, raw));
  if (invalid.length > 0) return { kind: 'invalid', messages: invalid };
  const [ml, low, high] = parts.map(([, , r]) => (r.ok ? r.n : null)) as [
    number | null,
    number | null,
    number | null,
  ];
  if (ml === null && low === null && high === null) return { kind: 'missing' };
  if (ml === null) {
    if (low === null || high === null) {
      const only = low === null ? 'high' : 'low';
      const other = low === null ? 'low' : 'high';
      return {
        kind: 'invalid',
        messages: [
          `${name} ${only} is set without ${name} or ${name} ${other}: set the most likely amount or both bounds`,
        ],
      };
    }
    if (low > high) {
      return {
        kind: 'invalid',
        messages: [
          `${name} low (${formatNumber(low)}) is above ${name} high (${formatNumber(high)})`,
        ],
      };
    }
    return { kind: 'ok', three: { low, mostLikely: (low + high) / 2, high } };
  }
  const three = { low: low ?? ml, mostLikely: ml, high: high ?? ml };
  return checkOrder(name, three);
}

function checkOrder(name: string, t: ThreePoint): Side {
  const messages: string[] = [];
  if (t.low > t.mostLikely)
    messages.push(
      `${name} low (${formatNumber(t.low)}) is above ${name} (${formatNumber(t.mostLikely)})`,
    );
  if (t.mostLikely > t.high)
    messages.push(
      `${name} (${formatNumber(t.mostLikely)}) is above ${name} high (${formatNumber(t.high)})`,
    );
  return messages.length > 0 ? { kind: 'invalid', messages } : { kind: 'ok', three: t };
}

// `+5% signups`, `5 % of signups`, `+3-8% signups`, `+3%–8% sign-ups`.
const PCT = String.raw`(\d+(?:\.\d+)?)`;
const IMPACT = new RegExp(
  String.raw`^([+-]?)\s*${PCT}\s*%?(?:\s*(?:-|–|—|to)\s*\+?\s*${PCT})?\s*%\s*(?:of\s+)?(\S.*)$`,
  'i',
);

/** Metric ids compare without case, spaces, dashes or underscores: `sign-ups` is `signups`. */
function metricKey(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

export interface ParsedImpact {
  lowPct: number;
  highPct: number;
  metric: string;
}

/** `+5% signups` -> 5..5 of `signups`; `+3-8% signups` -> 3..8; null when unreadable. */
export function parseImpact(text: string): ParsedImpact | { error: string } {
  const match = IMPACT.exec(text.trim());
  if (!match) return { error: 'unreadable' };
  const [, sign = '', low = '', high, metric = ''] = match;
  if (sign === '-') return { error: 'negative' };
  const lowPct = Number(low);
  const highPct = high === undefined ? lowPct : Number(high);
  return { lowPct, highPct, metric: metric.trim() };
}

function findMetric(
  metrics: Record<string, MetricSetting>,
  name: string,
): [string, MetricSetting] | null {
  const wanted = metricKey(name);
  for (const [id, metric] of Object.entries(metrics)) {
    if (metricKey(id) === wanted || metricKey(metric.name) === wanted) return [id, metric];
  }
  return null;
}

function pctText(lowPct: number, highPct: number): string {
  return lowPct === highPct
    ? `+${formatNumber(lowPct)}%`
    : `+${formatNumber(lowPct)}-${formatNumber(highPct)}%`;
}

/** Value given as an impact on a metric of `scoring.metrics`. */
function readImpact(impact: string, inputs: MoneyInputs, s: ScoringSettings): Side {
  const both = [
    ['Value', inputs.value],
    ['Value low', inputs.valueLow],
    ['Value high', inputs.valueHigh],
  ].filter(([, raw]) => raw !== null && raw !== undefined);
  if (both.length > 0) {
    const amounts = both.map(([label, raw]) => `${String(label)} ${String(raw)}`).join(', ');
    return {
      kind: 'invalid',
      messages: [
        `Value is given both as an amount (${amounts}) and as an impact ('${impact}'): keep one`,
      ],
    };
  }
  const parsed = parseImpact(impact);
  if ('error' in parsed) {
    const why = parsed.error === 'negative' ? 'must not be negative' : 'is not readable';
    return {
      kind: 'invalid',
      messages: [`Value impact '${impact}' ${why}; write it like '+5% signups' or '+3-8% signups'`],
    };
  }
  const metrics = s.metrics ?? DEFAULT_SCORING_SETTINGS.metrics;
  const found = findMetric(metrics, parsed.metric);
  if (!found) {
    const known = Object.keys(metrics);
    return {
      kind: 'invalid',
      messages: [
        `Value impact '${impact}' names metric '${parsed.metric}', which scoring.metrics does not define (defined: ${known.length > 0 ? known.join(', ') : 'none'})`,
      ],
    };
  }
  if (parsed.lowPct > parsed.highPct) {
    return {
      kind: 'invalid',
      messages: [`Value impact '${impact}': the low percentage is above the high one`],
    };
  }
  const [, metric] = found;
  const base = metric.baselineUsdPerMonth;
  const lowPct = parsed.lowPct;
  const highPct = parsed.highPct;
  const midPct = (lowPct + highPct) / 2;
  const three: ThreePoint = {
    low: (lowPct * base) / 100,
    mostLikely: (midPct * base) / 100,
    high: (highPct * base) / 100,
  };
  const prefix = `${pctText(lowPct, highPct)} of ${formatUsd(base)}/mo ${metric.name} = ${valueText(three)}`;
  return { kind: 'ok', three, prefix };
}

function threeText(t: ThreePoint, format: (n: number) => string): string {
  return isPoint(t)
    ? format(t.mostLikely)
    : `${format(t.low)}-${format(t.mostLikely)}-${format(t.high)}`;
}

function valueText(t: ThreePoint): string {
  return `${threeText(t, formatUsd)}/mo`;
}

interface CostModel {
  /** $ per unit of the Cost input. */
  usdPerUnit: number;
  /** Hours per unit of the Cost input; null when not known ($ at a $0 rate). */
  hoursPerUnit: number | null;
  /** Cost in $ for an amount, multiplied exactly as the single-number model always did. */
  usd(amount: number): number;
  text(t: ThreePoint): string;
}

function costModel(inputs: MoneyInputs, s: ScoringSettings): CostModel {
  const rate = `${formatUsd(s.hourlyRateUsd)}/h`;
  switch (inputs.costUnit) {
    case 'hours':
      return {
        usdPerUnit: s.hourlyRateUsd,
        hoursPerUnit: 1,
        usd: (amount) => amount * s.hourlyRateUsd,
        text: (t) => `${threeText(t, formatNumber)} h x ${rate}`,
      };
    case 'points': {
      const hoursPerPoint = inputs.hoursPerPoint ?? s.hoursPerPoint;
      return {
        usdPerUnit: hoursPerPoint * s.hourlyRateUsd,
        hoursPerUnit: hoursPerPoint,
        usd: (amount) => amount * hoursPerPoint * s.hourlyRateUsd,
        text: (t) =>
          `${threeText(t, formatNumber)} pts x ${formatNumber(hoursPerPoint)} h/pt x ${rate}`,
      };
    }
    case 'usd':
      return {
        usdPerUnit: 1,
        hoursPerUnit: s.hourlyRateUsd > 0 ? 1 / s.hourlyRateUsd : null,
        usd: (amount) => amount,
        text: (t) => threeText(t, formatUsd),
      };
  }
}

/** Standard normal CDF (erfc of Numerical Recipes, fractional error below 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Confidence (whole %) that the net value is above $0. */
export function confidencePct(expectedUsd: number, sdNetUsd: number): number {
  if (!(sdNetUsd > 0)) return expectedUsd > 0 ? 100 : 0;
  return Math.round(normalCdf(expectedUsd / sdNetUsd) * 100);
}

const NOT_SCORED = {
  netValueUsd: null,
  netValueLowUsd: null,
  netValueHighUsd: null,
  confidencePct: null,
  cd3: null,
} as const;

export function netValue(inputs: MoneyInputs, settings: ScoringSettings): NetValue {
  const impact = inputs.valueImpact?.trim();
  const rawValueSide =
    impact !== undefined && impact !== ''
      ? readImpact(impact, inputs, settings)
      : readThree('Value', inputs.value, inputs.valueLow, inputs.valueHigh);
  const model = costModel(inputs, settings);
  const valueSide = boundSide(rawValueSide, (t) => {
    if ([t.low, t.mostLikely, t.high].every(withinBound)) return null;
    const amounts3 = `${threeText(t, hugeUsd)}/mo`;
    const what = impact ? `Value impact '${impact}' (${amounts3})` : `Value ${amounts3}`;
    return `${what} is beyond ${MAX_ABS_USD_TEXT}/mo, the bound on any amount`;
  });
  const costSide = boundSide(readThree('Cost', inputs.cost, inputs.costLow, inputs.costHigh), (t) =>
    // The amount in its own unit too: at a rate of $0, 1e307 h is $0 but its mean overflows.
    [t.low, t.mostLikely, t.high].every((n) => withinBound(n) && withinBound(model.usd(n)))
      ? null
      : `Cost ${model.text(t)} comes to more than ${MAX_ABS_USD_TEXT}, the bound on any amount`,
  );
  const valueMean = valueSide.kind === 'ok' ? pertMean(valueSide.three) : null;
  const costMean = costSide.kind === 'ok' ? pertMean(costSide.three) : null;
  const rangedValue = valueSide.kind === 'ok' && !isPoint(valueSide.three);
  const base = {
    valueUsdPerMonth: valueMean === null ? null : rangedValue ? roundCents(valueMean) : valueMean,
    costUsd: costMean === null ? null : roundCents(model.usd(costMean)),
  };

  const invalid = [
    ...(valueSide.kind === 'invalid' ? valueSide.messages : []),
    ...(costSide.kind === 'invalid' ? costSide.messages : []),
  ];
  if (invalid.length > 0) {
    const reason = invalid.join('; ');
    return {
      ...base,
      ...NOT_SCORED,
      status: 'invalid',
      reason,
      explanation: `invalid: ${reason}`,
    };
  }
  const missing = [
    valueSide.kind === 'ok' ? null : 'Value',
    costSide.kind === 'ok' ? null : 'Cost',
  ].filter((m): m is string => m !== null);
  if (missing.length > 0 && settings.missingInput === 'unscored') {
    const reason = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`;
    return {
      ...base,
      ...NOT_SCORED,
      status: 'unscored',
      reason,
      explanation: `needs input: ${reason}`,
    };
  }
  // missingInput: zero — a missing input counts as 0, and the explanation says so.
  const zero: ThreePoint = { low: 0, mostLikely: 0, high: 0 };
  const value = valueSide.kind === 'ok' ? valueSide.three : zero;
  const cost = costSide.kind === 'ok' ? costSide.three : zero;
  const h = settings.horizonMonths;
  const v = pertMean(value);
  const c = model.usd(pertMean(cost));
  const expected = v * h - c;
  const net = roundCents(expected);
  const sdNet = Math.hypot(h * pertSd(value), pertSd(cost) * model.usdPerUnit);
  const costHours = model.hoursPerUnit === null ? null : pertMean(cost) * model.hoursPerUnit;
  // A Cost so small that CD3 leaves the bound (1e-300 h) counts as 0 hours: no CD3, it leads.
  const rawCd3 = costHours !== null && costHours > 0 ? roundCents(v / costHours) : null;
  const cd3 = rawCd3 !== null && withinBound(rawCd3) ? rawCd3 : null;
  const confidence = sdNet > 0 ? confidencePct(expected, sdNet) : net > 0 ? 100 : 0;
  const figures = {
    netValueUsd: net,
    netValueLowUsd: sdNet > 0 ? roundCents(expected - Z90 * sdNet) : net,
    netValueHighUsd: sdNet > 0 ? roundCents(expected + Z90 * sdNet) : net,
    confidencePct: confidence,
    cd3,
  };

  const vText = valueSide.kind === 'ok' ? valueText(value) : '$0/mo (Value missing)';
  const cText = costSide.kind === 'ok' ? model.text(cost) : '$0 (Cost missing)';
  const months = formatNumber(h);
  const outOfBound = boundResults(v * h, figures, vText, months, cText);
  if (outOfBound !== null) {
    return {
      ...base,
      ...NOT_SCORED,
      status: 'invalid',
      reason: outOfBound,
      explanation: `invalid: ${outOfBound}`,
    };
  }
  const ranged = !isPoint(value) || !isPoint(cost);
  const result = ranged
    ? `${formatWholeUsd(expected)} expected (P10 ${formatWholeUsd(figures.netValueLowUsd)}, P90 ${formatWholeUsd(figures.netValueHighUsd)}; ${confidence}% chance above $0)`
    : formatUsd(net);
  const prefix = valueSide.kind === 'ok' && valueSide.prefix ? `${valueSide.prefix}; ` : '';
  return {
    valueUsdPerMonth: ranged && !isPoint(value) ? roundCents(v) : v,
    costUsd: roundCents(c),
    status: 'scored',
    ...figures,
    reason: '',
    explanation: `${prefix}${vText} x ${months} mo - ${cText} = ${result}${orderNote(settings, cd3)}`,
  };
}

/** `formatUsd`, or `$1e+300` for amounts too large to print digit by digit. */
function hugeUsd(amount: number): string {
  return Math.abs(amount) < 1e15
    ? formatUsd(amount)
    : `${amount < 0 ? '-' : ''}$${String(Math.abs(amount))}`;
}

/** An `ok` side whose amounts are out of bound becomes `invalid` with the check's message. */
function boundSide(side: Side, check: (t: ThreePoint) => string | null): Side {
  if (side.kind !== 'ok') return side;
  const message = check(side.three);
  return message === null ? side : { kind: 'invalid', messages: [message] };
}

/**
 * Inputs within the bound can still multiply past it (a long horizon, a wide range): the reason
 * names the inputs of the computation.
 */
function boundResults(
  valueOverHorizon: number,
  figures: {
    netValueUsd: number;
    netValueLowUsd: number;
    netValueHighUsd: number;
  },
  vText: string,
  months: string,
  cText: string,
): string | null {
  const amounts = [
    valueOverHorizon,
    figures.netValueUsd,
    figures.netValueLowUsd,
    figures.netValueHighUsd,
  ];
  if (amounts.every(withinBound)) return null;
  return `the net value of ${vText} x ${months} mo - ${cText} is beyond +/-${MAX_ABS_USD_TEXT}, the bound on any amount`;
}

/** Says which order is in force when it is not the default one (so default text is unchanged). */
function orderNote(settings: ScoringSettings, cd3: number | null): string {
  const notes: string[] = [];
  if (settings.rankBy === 'p10') notes.push('ranked by P10');
  if (settings.order === 'cd3') {
    notes.push(
      cd3 === null
        ? 'CD3 order (CD3 not computable: no Cost hours)'
        : `CD3 order (CD3 ${formatUsd(cd3)}/mo per h)`,
    );
  }
  return notes.length > 0 ? `; ${notes.join(', ')}` : '';
}
