/**
 * Reads the amounts Linear labels carry. Linear has no custom fields, so Value lives in a label
 * group whose labels name a monthly amount (`$5k`, `$1.5k/mo`, `$60k/yr`) and Cost, optionally, in
 * a group whose labels name hours (`40h`). An unreadable label is returned as its text, so the
 * money model reports the issue invalid with that text instead of silently skipping it.
 */

export type LabelAmount = { ok: true; amount: number } | { ok: false; text: string };

/**
 * A label's reading: one amount, a range (`$4k-$7k`: low and high, the most likely amount being
 * their midpoint), a metric impact (`+5% signups`, read by the money model against
 * `scoring.metrics`), or the unreadable text.
 */
export type LabelReading =
  | { ok: true; amount: number }
  | { ok: true; low: number; high: number }
  | { ok: true; impact: string }
  | { ok: false; text: string };

const MULTIPLIERS: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** Period words after the amount, as months per period (divide by it to get $/month). */
const MONTHS_PER_PERIOD: Record<string, number> = {
  mo: 1,
  mon: 1,
  month: 1,
  monthly: 1,
  m: 1,
  yr: 12,
  y: 12,
  year: 12,
  yearly: 12,
  annual: 12,
  annually: 12,
  annum: 12,
  pa: 12,
};

// `$1,234.5`, `1234`, `1.5` followed by an optional k/M: thousands separators only in groups of 3.
const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`;
// The period: `/mo`, ` per year`, ` monthly`, `/yr`; `m` alone is only a period after a slash.
const PERIOD = String.raw`(?:\s*(?:\/|per\s+|\s)\s*([a-z]+))?`;
const VALUE_LABEL = new RegExp(String.raw`^\$?\s*${NUMBER}\s*([km]?)${PERIOD}$`, 'i');

const HOURS_LABEL = /^(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)$/i;

// A range: `$4k-$7k`, `$4k–$7k/mo`, `$48k-$84k/yr`, `4-7k` (the second suffix then applies to
// both when the first has none and the second has no `$` of its own).
const DASH = String.raw`\s*(?:-|–|—|to)\s*`;
const VALUE_RANGE = new RegExp(
  String.raw`^\$?\s*${NUMBER}\s*([km]?)${DASH}(\$?)\s*${NUMBER}\s*([km]?)${PERIOD}$`,
  'i',
);
const HOURS_UNIT = String.raw`(?:h|hr|hrs|hour|hours)`;
const HOURS_RANGE = new RegExp(
  String.raw`^(\d+(?:\.\d+)?)\s*(?:${HOURS_UNIT})?${DASH}(\d+(?:\.\d+)?)\s*${HOURS_UNIT}$`,
  'i',
);
/** A metric impact names a percentage: `+5% signups`, `+3-8% signups`. */
const IMPACT_LABEL = /^[+-]?\s*\d+(?:\.\d+)?\s*%?(?:\s*(?:-|–|—|to)\s*\+?\s*\d+(?:\.\d+)?)?\s*%/i;

/** Rounds to cents so `$1k/yr` reads as 83.33, not 83.33333333333333. */
function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `$5k`, `$5,000`, `5000`, `$1.5k/mo`, `$60k/yr` (= 5,000/mo), `$2M/yr`, `$500 monthly`. */
export function parseValueLabel(label: string): LabelAmount {
  const text = label.trim();
  const match = VALUE_LABEL.exec(text);
  if (!match) return { ok: false, text };
  const [, digits = '', suffix = '', periodWord] = match;
  const multiplier = MULTIPLIERS[suffix.toLowerCase()];
  const months = periodWord === undefined ? 1 : MONTHS_PER_PERIOD[periodWord.toLowerCase()];
  if (multiplier === undefined || months === undefined) return { ok: false, text };
  // `$5m` is five million; `m` means month only after a slash (`$5k/m`), which the regex ensures
  // by requiring a separator before the period word.
  const amount = Number(digits.replace(/,/g, '')) * multiplier;
  return Number.isFinite(amount)
    ? { ok: true, amount: cents(amount / months) }
    : { ok: false, text };
}

/** `40h`, `4.5 h`, `12 hours`. */
export function parseHoursLabel(label: string): LabelAmount {
  const text = label.trim();
  const match = HOURS_LABEL.exec(text);
  const amount = match ? Number(match[1]) : NaN;
  // Hundreds of digits parse to Infinity: unreadable, not an amount.
  return Number.isFinite(amount) ? { ok: true, amount } : { ok: false, text };
}

function amountOf(digits: string, suffix: string): number | undefined {
  const multiplier = MULTIPLIERS[suffix.toLowerCase()];
  return multiplier === undefined ? undefined : Number(digits.replace(/,/g, '')) * multiplier;
}

/** `$4k-$7k`, `$4k–$7k/mo`, `$48k-$84k/yr` (= 4,000-7,000/mo), `4-7k`. */
export function parseValueRangeLabel(label: string): LabelReading {
  const text = label.trim();
  const match = VALUE_RANGE.exec(text);
  if (!match) return { ok: false, text };
  const [, lowDigits = '', lowSuffix = '', dollar = '', highDigits = '', highSuffix = '', period] =
    match;
  const inherited = lowSuffix === '' && dollar === '' ? highSuffix : lowSuffix;
  const low = amountOf(lowDigits, inherited);
  const high = amountOf(highDigits, highSuffix);
  const months = period === undefined ? 1 : MONTHS_PER_PERIOD[period.toLowerCase()];
  if (low === undefined || high === undefined || months === undefined) return { ok: false, text };
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { ok: false, text };
  return { ok: true, low: cents(low / months), high: cents(high / months) };
}

/**
 * A Value label: one amount (`$5k`), a range (`$4k-$7k`) or a metric impact (`+5% signups`,
 * `+3-8% signups`); anything else is returned as its text.
 */
export function readValueLabel(label: string): LabelReading {
  const text = label.trim();
  if (IMPACT_LABEL.test(text)) return { ok: true, impact: text };
  const single = parseValueLabel(text);
  if (single.ok) return single;
  const range = parseValueRangeLabel(text);
  return range.ok ? range : { ok: false, text };
}

/** A Cost label: hours (`40h`) or a range of hours (`20-40h`, `20h–40h`). */
export function readHoursLabel(label: string): LabelReading {
  const text = label.trim();
  const single = parseHoursLabel(text);
  if (single.ok) return single;
  const match = HOURS_RANGE.exec(text);
  const [low, high] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  return Number.isFinite(low) && Number.isFinite(high)
    ? { ok: true, low, high }
    : { ok: false, text };
}
