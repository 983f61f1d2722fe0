/**
 * `netvalue check`'s secrets section: a placeholder left in place (from an example file or a
 * `${VAR:-default}`) must not pass as a secret, and must not surface later as "the tracker
 * rejected the credentials".
 */
import type { Config } from '../config.js';
import type { CheckLine } from './check-lines.js';

/** change-me..., changeme, set-..., secret, xxx..., <your token>, your-..., replace-me... */
const PLACEHOLDER = /^(?:change-?me|set-|secret$|xxx|<|your[-_]|replace-?me|todo$|placeholder)/i;

/** Secrets we choose ourselves; credentials come from the tracker. */
const OWN_SECRETS = new Set(['adminToken', 'webhookSecret']);
const TRACKER_SECRETS = ['webhookSecret', 'apiToken', 'apiKey'];

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

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
      ? `${path} is a placeholder: generate one with \`openssl rand -hex 32\` and set it in the environment or .env`
      : `${path} is a placeholder: set the ${key} the tracker issued in the environment or .env`,
  }));
}
