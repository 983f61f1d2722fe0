/**
 * The soak's own reading of the method, written from the README (not imported from netvalue):
 * net value = Value x horizon - Cost x hourly rate, PERT means for ranges, money in cents, and
 * the unified order (net value descending, then lower cost, then tracker id, then the key in
 * natural order). The soak compares what the trackers hold with these figures.
 */

export const HORIZON_MONTHS = 1;
export const HOURLY_RATE_USD = 50;
export const HOURS_PER_POINT = 8;
export const PRIORITY_THRESHOLDS = { high: 5000, medium: 1000 };

export const cents = (n: number): number => Math.round(n * 100) / 100;

export type Expected =
  { status: 'scored'; netValueUsd: number; costUsd: number } | { status: 'unscored' | 'invalid' };

/** The PERT mean of a (low, most likely, high) range. */
export const pertMean = (low: number, mostLikely: number, high: number): number =>
  (low + 4 * mostLikely + high) / 6;

function scored(valueUsdPerMonth: number, costUsd: number): Expected {
  const net = cents(valueUsdPerMonth * HORIZON_MONTHS - costUsd);
  return { status: 'scored', netValueUsd: net, costUsd: cents(costUsd) };
}

/** A Jira issue with number fields Value ($/month) and Cost (hours), point inputs only. */
export function expectJira(value: unknown, costHours: unknown): Expected {
  if (value === null || value === undefined || costHours === null || costHours === undefined)
    return { status: 'unscored' };
  if (typeof value !== 'number' || typeof costHours !== 'number') return { status: 'invalid' };
  if (!Number.isFinite(value) || !Number.isFinite(costHours) || value < 0 || costHours < 0)
    return { status: 'invalid' };
  return scored(value, costHours * HOURLY_RATE_USD);
}

const MULT: Record<string, number> = { '': 1, k: 1000, m: 1_000_000 };
const PERIOD: Record<string, number> = { mo: 1, yr: 12 };

/** One amount as the soak writes and the seed writes them: `$5k`, `$5,000`, `5000`, `$1.5k/mo`, `$60k/yr`. */
function amount(text: string): { usd: number; period: string | undefined } | null {
  const m = /^\$?([\d,]+(?:\.\d+)?)([km]?)(?:\/(mo|yr))?$/i.exec(text.trim());
  if (!m) return null;
  const mult = MULT[(m[2] ?? '').toLowerCase()];
  if (mult === undefined) return null;
  return { usd: Number((m[1] ?? '').replace(/,/g, '')) * mult, period: m[3]?.toLowerCase() };
}

/** A Value label in $/month (a range gives its PERT mean, the midpoint being the most likely). */
export function linearValue(label: string): number | null {
  const range = /^(.+?)-(.+)$/.exec(label.trim());
  if (range) {
    const low = amount(range[1] ?? '');
    const high = amount(range[2] ?? '');
    if (!low || !high) return null;
    const months = PERIOD[high.period ?? 'mo'] ?? 1;
    const lo = cents(low.usd / months);
    const hi = cents(high.usd / months);
    return pertMean(lo, (lo + hi) / 2, hi);
  }
  const single = amount(label);
  if (!single) return null;
  return cents(single.usd / (PERIOD[single.period ?? 'mo'] ?? 1));
}

/** A Linear issue: Value from its Value label, Cost from the estimate (points x 8 h x $50). */
export function expectLinear(valueLabel: string | null, estimate: number | null): Expected {
  if (valueLabel === null || estimate === null) {
    if (valueLabel !== null && linearValue(valueLabel) === null) return { status: 'invalid' };
    return { status: 'unscored' };
  }
  const value = linearValue(valueLabel);
  if (value === null) return { status: 'invalid' };
  return scored(value, estimate * HOURS_PER_POINT * HOURLY_RATE_USD);
}

/** Linear's priority bucket for a net value: 2 High, 3 Medium, 4 Low, 0 none. */
export function priorityOf(e: Expected): number {
  if (e.status !== 'scored') return 0;
  if (e.netValueUsd >= PRIORITY_THRESHOLDS.high) return 2;
  if (e.netValueUsd >= PRIORITY_THRESHOLDS.medium) return 3;
  return 4;
}

/** ENG-2 before ENG-10: digits compare as numbers. */
export function naturalCompare(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const ca = chunks(a);
  const cb = chunks(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i] as string;
    const y = cb[i] as string;
    if (x === y) continue;
    const nx = /^\d/.test(x) && /^\d/.test(y);
    if (nx) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}

export interface Ranked {
  id: string;
  key: string;
  expected: Expected & { status: 'scored' };
}

/** Unified order within one tracker: net value descending, lower cost, key in natural order. */
export function compareRanked(a: Ranked, b: Ranked): number {
  return (
    b.expected.netValueUsd - a.expected.netValueUsd ||
    a.expected.costUsd - b.expected.costUsd ||
    naturalCompare(a.key, b.key)
  );
}

/**
 * Pairs of neighbours (in the tracker's order) that the unified ranking orders the other way:
 * `actual` lists the scored, unpinned in-scope issues as the tracker orders them.
 */
export function orderViolations(actual: readonly Ranked[]): { ahead: Ranked; behind: Ranked }[] {
  const out: { ahead: Ranked; behind: Ranked }[] = [];
  for (let i = 1; i < actual.length; i++) {
    const ahead = actual[i - 1] as Ranked;
    const behind = actual[i] as Ranked;
    if (compareRanked(ahead, behind) > 0) out.push({ ahead, behind });
  }
  return out;
}
