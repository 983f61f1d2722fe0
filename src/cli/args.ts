import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Env } from '../config.js';

/** Thrown for a bad command line; the CLI prints it with usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive whole number, got '${value}'`);
  return n;
}

/**
 * A whole number from `min` to `max` in the environment variable `name`, else `fallback` (unset
 * or blank); `zero` says what 0 means and `noun` what the number is (a whole number), for the
 * message.
 */
export function envWholeNumber(
  env: Env,
  name: string,
  range: { min: number; max: number; fallback: number; zero: string; noun?: string },
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return range.fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < range.min || n > range.max)
    throw new UsageError(
      `${name} must be a ${range.noun ?? 'whole number'} from ${range.min} (${range.zero}) to ${range.max}, got '${raw}'`,
    );
  return n;
}
