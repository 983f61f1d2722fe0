/**
 * How far `serve` and `worker` let V8's heap grow past what is live. After each full collection
 * V8 lets an old generation grow to between 1.1 and 4 times what survived, by its own measure of
 * how fast it collects; on a heap this small it picks the high end. The service streams its state
 * in windows, so what survives is small and the rest is garbage waiting for the next collection:
 * `serve` peaked at about 370 MB with 100,000 issues under V8's choice and about 240 MB with 20 %
 * (1,000,000 issues: about 420 and 300), and its plans took as long (README "Performance").
 * This is no cap: the heap still grows as far as live data needs, one full collection at a time.
 */
import v8 from 'node:v8';
import type { Env } from '../config.js';
import { envWholeNumber } from './args.js';

/** Growth past live data after a full collection, in percent (V8's `--heap-growing-percent`). */
export const DEFAULT_HEAP_GROWTH_PERCENT = 20;

/** `NETVALUE_HEAP_GROWTH` (0 leaves V8's own choice), else the default. */
export function heapGrowthPercent(env: Env): number {
  return envWholeNumber(env, 'NETVALUE_HEAP_GROWTH', {
    min: 0,
    max: 400,
    fallback: DEFAULT_HEAP_GROWTH_PERCENT,
    zero: "V8's own choice",
    noun: 'whole percent',
  });
}

/**
 * Sets the growth for every isolate of the process (V8 reads it at each full collection, so the
 * job thread started later has it too). Returns the percent applied.
 */
export function applyHeapPolicy(env: Env): number {
  const percent = heapGrowthPercent(env);
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
