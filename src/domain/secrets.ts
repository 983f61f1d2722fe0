/**
 * The rules for secrets netvalue's operators choose themselves (`adminToken`, every tracker's
 * `webhookSecret`): no default, at least 32 characters, not a known placeholder, not one
 * character repeated. Shared by the config schema (src/config/schema.ts,
 * connectors/tracker-base.ts) and `netvalue check` (src/cli/check-secrets.ts), so it lives here,
 * importing nothing of the project (docs/architecture.md: connectors import only the domain).
 * Credentials the trackers issue (`apiToken`, `apiKey`) keep their own rules: non-empty, and
 * `check` refuses placeholders.
 */
import { z } from 'zod';

/** The shortest secret we accept: `openssl rand -hex 32` prints 64 characters. */
export const MIN_SECRET_LENGTH = 32;

/** How to make one, named in every refusal. */
export const GENERATE_SECRET_HINT =
  'generate one with `openssl rand -hex 32` and set it in the environment or .env';

/** change-me..., changeme, set-..., secret, xxx..., <your token>, your-..., replace-me... */
const PLACEHOLDER = /^(?:change-?me|set-|secret$|xxx|<|your[-_]|replace-?me|todo$|placeholder)/i;

/** A value copied from an example file or a `${VAR:-default}` rather than a real secret. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/** Why a secret we choose is refused, or null when it may be used. Never repeats the value. */
export function weakSecretReason(value: string): string | null {
  if (isPlaceholder(value)) return `is a placeholder: ${GENERATE_SECRET_HINT}`;
  if (value.length < MIN_SECRET_LENGTH) {
    return `must be at least ${MIN_SECRET_LENGTH} characters (got ${value.length}): ${GENERATE_SECRET_HINT}`;
  }
  if (new Set(value).size < 4) {
    return `is too easy to guess (fewer than 4 different characters): ${GENERATE_SECRET_HINT}`;
  }
  return null;
}

/** A secret we choose, validated by `weakSecretReason` (the config error names the key). */
export function ownSecret(): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const reason = weakSecretReason(value);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
  });
}
