/**
 * Reads the amounts Linear labels carry. Linear has no custom fields, so Value lives in a label
 * group whose labels name a monthly amount (`$5k`, `$1.5k/mo`, `$60k/yr`) and Cost, optionally, in
 * a group whose labels name hours (`40h`). An unreadable label is returned as its text, so the
 * money model reports the issue invalid with that text instead of silently skipping it.
 */

export type LabelAmount = { ok: true; amount: number } | { ok: false; text: string };

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
  return match ? { ok: true, amount: Number(match[1]) } : { ok: false, text };
}
