/**
 * LexoRank-like strings for the sandbox's Rank field: `0|<6 base-36 digits>:<decimals>`. They
 * sort lexicographically in rank order, and a moved issue gets a fresh string between its new
 * neighbours, so only moved issues change (as in Jira). Clients must treat them as opaque.
 */

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const INTEGER_WIDTH = 6;
/** Spacing of the initial ranks: room for many moves between neighbours. */
const INITIAL_STEP = 36 ** 3;

function toDigits(rank: string): string {
  const body = rank.replace(/^0\|/, '').replace(':', '');
  return body.replace(/0+$/, '');
}

function fromDigits(digits: string): string {
  const padded = digits.padEnd(INTEGER_WIDTH, '0');
  return `0|${padded.slice(0, INTEGER_WIDTH)}:${padded.slice(INTEGER_WIDTH)}`;
}

/**
 * A digit string strictly between `a` and `b` (b null: no upper bound), neither with trailing
 * zeros. The fractional-indexing midpoint (as in rocicorp/fractional-indexing).
 */
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let n = 0;
    while ((a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const digitA = a === '' ? 0 : DIGITS.indexOf(a[0] as string);
  const digitB = b === null ? DIGITS.length : DIGITS.indexOf(b[0] as string);
  if (digitB - digitA > 1) return DIGITS[Math.round((digitA + digitB) / 2)] as string;
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (DIGITS[digitA] as string) + midpoint(a.slice(1), null);
}

/** A rank between two ranks (null: before the first / after the last). */
export function rankBetween(low: string | null, high: string | null): string {
  return fromDigits(
    midpoint(low === null ? '' : toDigits(low), high === null ? null : toDigits(high)),
  );
}

/** `count` evenly spaced ranks in ascending order. */
export function initialRanks(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    fromDigits(
      ((i + 1) * INITIAL_STEP).toString(36).padStart(INTEGER_WIDTH, '0').replace(/0+$/, ''),
    ),
  );
}
