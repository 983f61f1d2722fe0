/**
 * `netvalue check`'s secrets section: a placeholder left in place (from an example file or a
 * `${VAR:-default}`) must not pass as a secret, and must not surface later as "the tracker
 * rejected the credentials". The config itself already refuses a weak or placeholder `adminToken`
 * or `webhookSecret` (src/domain/secrets.ts, which holds the placeholder list), so what this adds
 * is the tracker-issued credentials (`apiToken`, `apiKey`).
 */
import type { Config } from '../config.js';
import { GENERATE_SECRET_HINT, isPlaceholder } from '../domain/secrets.js';
import type { CheckLine } from './check-lines.js';

export { isPlaceholder };

/** Secrets we choose ourselves; credentials come from the tracker. */
const OWN_SECRETS = new Set(['adminToken', 'webhookSecret']);
const TRACKER_SECRETS = ['webhookSecret', 'apiToken', 'apiKey'];

export function checkSecrets(config: Readonly<Config>): CheckLine[] {
  const found: { path: string; key: string }[] = [];
  if (config.adminToken !== undefined && isPlaceholder(config.adminToken))
    found.push({ path: 'adminToken', key: 'adminToken' });
  config.trackers.forEach((tracker, i) => {
    const fields = tracker as Readonly<Record<string, unknown>>;
    for (const key of TRACKER_SECRETS) {
      const value = fields[key];
      if (typeof value === 'string' && isPlaceholder(value))
        found.push({ path: `trackers[${i}].${key}`, key });
    }
  });
  if (found.length === 0) return [{ mark: 'ok', text: 'no placeholder secrets' }];
  return found.map(({ path, key }) => ({
    mark: 'fail',
    text: OWN_SECRETS.has(key)
      ? `${path} is a placeholder: ${GENERATE_SECRET_HINT}`
      : `${path} is a placeholder: set the ${key} the tracker issued in the environment or .env`,
  }));
}
