/**
 * The bound on every amount the money model produces (README "Ranges, risk and order"). An input
 * that makes an amount non-finite or larger than this (a cost of `1e307` h gives -Infinity) makes
 * the issue `invalid`, naming the input: such a number cannot be stored, ranked or written back.
 */
import { formatUsd } from './format.js';

/**
 * $1e13 (ten trillion dollars): far above any real issue, yet every amount within it keeps exact
 * cents in a double (1e15 cents < 2^53), and the unified ranking's sort key (rank.ts, net values
 * offset by 1e15 cents in 16 digits) orders every net value within it.
 */
export const MAX_ABS_USD = 1e13;

/** `$10,000,000,000,000`, for messages. */
export const MAX_ABS_USD_TEXT = formatUsd(MAX_ABS_USD);

/** True when an amount is finite and within +/- MAX_ABS_USD. */
export function withinBound(amount: number): boolean {
  return Number.isFinite(amount) && Math.abs(amount) <= MAX_ABS_USD;
}
