/**
 * Long in-memory steps of a plan (sorting hundreds of thousands of issues) run in slices that
 * give the event loop back between them, so a `serve` that plans a large tracker still answers
 * webhooks within milliseconds (README "Performance").
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work units (comparisons, element moves) between two yields: about a few milliseconds. */
export const SLICE_UNITS = 20_000;

/** Counts work and yields to the event loop once a slice is used up. */
export class Slicer {
  private used = 0;

  constructor(private readonly sliceUnits = SLICE_UNITS) {}

  /** Adds `units` of work; true when the slice is used up and the caller should `yield()`. */
  spend(units = 1): boolean {
    this.used += units;
    if (this.used < this.sliceUnits) return false;
    this.used = 0;
    return true;
  }

  /** The next turn of the event loop (timers and I/O, such as HTTP requests, run first). */
  yield(): Promise<void> {
    return nextTurn();
  }
}

/**
 * Indexes 0..n-1 in the order `compare` gives (stable), by a bottom-up merge sort that yields
 * between slices: O(n log n) comparisons, two Int32Arrays of memory.
 */
export async function sortIndexes(
  n: number,
  compare: (a: number, b: number) => number,
  slicer = new Slicer(),
): Promise<Int32Array> {
  let from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let to = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      // Runs already in order (a ranking barely changed) are copied, not merged.
      if (mid >= hi || compare(from[mid] as number, from[mid - 1] as number) >= 0) {
        to.set(from.subarray(lo, hi), lo);
        if (slicer.spend(1)) await slicer.yield();
        continue;
      }
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = from[i] as number;
        const b = from[j] as number;
        if (compare(b, a) < 0) {
          to[k++] = b;
          j++;
        } else {
          to[k++] = a;
          i++;
        }
      }
      while (i < mid) to[k++] = from[i++] as number;
      while (j < hi) to[k++] = from[j++] as number;
      if (slicer.spend(hi - lo)) await slicer.yield();
    }
    [from, to] = [to, from];
  }
  return from;
}
