import type { WriteValues } from '../domain/index.js';

/** Net values (and their P10/P90) equal within half a cent are the same value: no write. */
const HALF_CENT = 0.005;
const MONEY: ReadonlySet<keyof WriteValues> = new Set([
  'netValueUsd',
  'netValueLowUsd',
  'netValueHighUsd',
]);

function same(field: keyof WriteValues, a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a ?? null) === (b ?? null);
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return MONEY.has(field) ? Math.abs(a - b) < HALF_CENT : a === b;
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
