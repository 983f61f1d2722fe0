import type { Env } from '../config.js';

/**
 * Lock and stall timings. BullMQ's defaults (30 s) suit production; NETVALUE_LOCK_MS lets a test
 * see a killed worker's jobs recovered in seconds.
 */
export function lockOptions(env: Env): { lockDurationMs?: number; stalledIntervalMs?: number } {
  const ms = Number(env['NETVALUE_LOCK_MS']);
  return Number.isInteger(ms) && ms > 0 ? { lockDurationMs: ms, stalledIntervalMs: ms } : {};
}
