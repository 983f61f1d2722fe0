import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';

/**
 * Loads `<dir>/.env` into process.env when the file exists, with Node's own parser
 * (`process.loadEnvFile`). A variable already set in the environment wins over the file, even when
 * set to an empty string. Returns the file loaded, or null. Called once by the CLI entry, before
 * the config is read.
 */
export function loadDotEnv(dir: string = process.cwd()): string | null {
  const file = resolve(dir, '.env');
  if (!existsSync(file)) return null;
  try {
    process.loadEnvFile(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError(file, [{ path: '', message: `cannot load this .env file: ${reason}` }]);
  }
  return file;
}
