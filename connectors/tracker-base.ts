/**
 * What every `trackers[]` entry shares, whatever its kind. Each connector's config schema extends
 * it (connectors/<kind>/config.ts), so the id rules, pin label, webhook secret, timeout and write
 * rate read and validate the same everywhere.
 */
import { z } from 'zod';

export const TrackerBase = z.object({
  /** Names the tracker in keys, queues, routes and logs. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  /** Issues with this label are never moved by rank write-back. */
  pinLabel: z.string().min(1).default('netvalue-pin'),
  /** Shared secret of the tracker's webhook; without it webhooks are refused (401). */
  webhookSecret: z.string().min(1).optional(),
  /** Per-request timeout. */
  timeoutMs: z.number().int().positive().default(20_000),
});

/** A write rate across every process, with the tracker's own default. */
export function writesPerSec(defaultPerSec: number): z.ZodDefault<z.ZodNumber> {
  return z.number().positive().default(defaultPerSec);
}
