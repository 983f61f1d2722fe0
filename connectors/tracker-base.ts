/**
 * What every `trackers[]` entry shares, whatever its kind. Each connector's config schema extends
 * it (connectors/<kind>/config.ts), so the id rules, pin label, webhook secret, timeout, response
 * limit, transport rule and write rate read and validate the same everywhere.
 */
import { z } from 'zod';
import { ownSecret } from '../src/domain/secrets.js';

/** The largest tracker response read by default (README "Security"): far above any real page. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export const TrackerBase = z.object({
  /** Names the tracker in keys, queues, routes and logs. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  /** Issues with this label are never moved by rank write-back. */
  pinLabel: z.string().min(1).default('netvalue-pin'),
  /**
   * Shared secret of the tracker's webhook; without it webhooks are refused (401). No default; at
   * least 32 characters and not a placeholder (src/domain/secrets.ts): `openssl rand -hex 32`.
   */
  webhookSecret: ownSecret().optional(),
  /** Total deadline of one call: connecting, sending and reading the whole response. */
  timeoutMs: z.number().int().positive().default(20_000),
  /** A response larger than this is refused (a permanent error naming the limit). */
  maxResponseBytes: z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES),
  /**
   * `http://` URLs send the API token unencrypted, so the tracker's URL must be https unless this
   * is true (local test servers only). See `requireHttps`.
   */
  allowInsecureHttp: z.boolean().default(false),
  /**
   * `auto` writes what changed at once; `review` still pulls, scores and ranks but collects the
   * tracker's writes (values and rank moves) into one pending plan until an admin approves them
   * (README "Review before write").
   */
  writeMode: z.enum(['auto', 'review']).default('auto'),
});

/** A write rate across every process, with the tracker's own default. */
export function writesPerSec(defaultPerSec: number): z.ZodDefault<z.ZodNumber> {
  return z.number().positive().default(defaultPerSec);
}

/**
 * The https-only rule, for a connector schema's `.superRefine`: the URL under `key` (`baseUrl`,
 * `apiUrl`) must be https unless `allowInsecureHttp: true`. The error lands on that key, so it
 * reads `trackers[0].baseUrl: ...`.
 */
export function requireHttps<K extends string>(
  key: K,
): (config: { [P in K]: string } & { allowInsecureHttp: boolean }, ctx: z.RefinementCtx) => void {
  return (config, ctx) => {
    const url = config[key];
    if (config.allowInsecureHttp || !/^http:/i.test(url)) return;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message: `must be https: an http:// URL sends the API token unencrypted (set allowInsecureHttp: true on this tracker only for a local test server)`,
    });
  };
}
