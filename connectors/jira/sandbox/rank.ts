/**
 * LexoRank-like strings for the sandbox's Rank field: `<bucket>|<6 base-36 digits>:<decimals>`.
 * They sort lexicographically in rank order, and a moved issue gets a fresh string between its new
 * neighbours, so only moved issues change (as in Jira). A rebalance rewrites every value into the
 * next bucket (0 → 1 → 2 → 0), as Jira's LexoRank rebalancing does, keeping the order; values from
 * before and after a rebalance do not compare. Clients must treat them as opaque.
 */

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const INTEGER_WIDTH = 6;
/** Spacing of the initial ranks: room for many moves between neighbours. */
const INITIAL_STEP = 36 ** 3;

/** LexoRank's buckets: a rebalance moves every value to the next one. */
export const BUCKETS = 3;

/** The bucket of a rank value (0 when it has none). */
export function bucketOf(rank: string): number {
  const match = /^(\d)\|/.exec(rank);
  return match ? Number(match[1]) : 0;
}

function toDigits(rank: string): string {
  const body = rank.replace(/^\d\|/, '').replace(':', '');
  return body.replace(/0+$/, '');
}

function fromDigits(digits: string, bucket: number): string {
  const padded = digits.padEnd(INTEGER_WIDTH, '0');
  return `${bucket}|${padded.slice(0, INTEGER_WIDTH)}:${padded.slice(INTEGER_WIDTH)}`;
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

/** A rank between two ranks of one bucket (null: before the first / after the last). */
export function rankBetween(low: string | null, high: string | null): string {
  return fromDigits(
    midpoint(low === null ? '' : toDigits(low), high === null ? null : toDigits(high)),
    bucketOf(low ?? high ?? ''),
  );
}

/** `count` evenly spaced ranks in ascending order, in `bucket`. */
export function initialRanks(count: number, bucket = 0): string[] {
  return Array.from({ length: count }, (_, i) =>
    fromDigits(
      ((i + 1) * INITIAL_STEP).toString(36).padStart(INTEGER_WIDTH, '0').replace(/0+$/, ''),
      bucket,
    ),
  );
}
