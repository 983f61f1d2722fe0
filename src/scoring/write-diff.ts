import type { WriteValues } from '../domain/index.js';

/** Net values (and their P10/P90) equal within half a cent are the same value: no write. */
const HALF_CENT = 0.005;
const MONEY: ReadonlySet<keyof WriteValues> = new Set([
  'netValueUsd',
  'netValueLowUsd',
  'netValueHighUsd',
]);

/**
 * Sort keys (Linear's `prioritySortOrder`) that differ only by floating-point noise hold the same
 * position: a later plan that places a run of issues between the same neighbours can compute a key
 * one unit in the last place away from the one it wrote before. Writing it was a write that changed
 * nothing (the soak: 12 in one 3-minute run, 418534.9544072948 over 418534.95440729486).
 */
const SORT_KEY_NOISE = 1e-9;

function same(field: keyof WriteValues, a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a ?? null) === (b ?? null);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    if (MONEY.has(field)) return Math.abs(a - b) < HALF_CENT;
    if (field === 'sortKey')
      return Math.abs(a - b) <= SORT_KEY_NOISE * Math.max(1, Math.abs(a), Math.abs(b));
    return a === b;
  }
  return a === b;
}

/**
 * The desired values that differ from what the tracker holds; null when nothing differs.
 * Only fields present in `desired` are considered.
 */
export function changedValues(current: WriteValues, desired: WriteValues): WriteValues | null {
  const changes: WriteValues = {};
  for (const field of Object.keys(desired) as (keyof WriteValues)[]) {
    const want = desired[field];
    if (want === undefined) continue;
    if (!same(field, current[field], want)) Object.assign(changes, { [field]: want });
  }
  return Object.keys(changes).length > 0 ? changes : null;
}
