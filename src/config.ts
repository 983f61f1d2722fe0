/**
 * The one place that reads the environment and the config file. Parsed once at start, frozen,
 * then passed down. Every problem is reported at once, with its path in the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config/config-error.js';
import { formatPath, interpolate, type Problem } from './config/interpolate.js';
import { ConfigSchema, type Config } from './config/schema.js';

export type { Config } from './config/schema.js';
export type Env = Readonly<Record<string, string | undefined>>;
export { ConfigError, EXIT_CONFIG } from './config/config-error.js';
export { loadDotEnv } from './config/dotenv.js';

export const DEFAULT_CONFIG_PATH = './netvalue.config.yaml';

/** Where the config file is: `--config`, else NETVALUE_CONFIG, else ./netvalue.config.yaml. */
export function configPath(flag: string | undefined, env: Env): string {
  return resolve(flag ?? env['NETVALUE_CONFIG'] ?? DEFAULT_CONFIG_PATH);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))
    return 'required';
  return issue.message;
}

/** Parses config text (YAML) with env interpolation and overrides; throws ConfigError. */
export function parseConfig(text: string, env: Env, file = 'config'): Readonly<Config> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0].line ?? '?'}`,
        message: e.message.split('\n')[0] ?? e.code,
      })),
    );
  }
  const problems: Problem[] = [];
  let js: unknown;
  try {
    // Aliases are resolved here: an unresolved one or an alias bomb throws.
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(file, [{ path: '', message: `cannot read the YAML: ${message}` }]);
  }
  const raw = interpolate(js ?? {}, env, problems);
  const withOverrides = applyEnvOverrides(raw, env);
  const parsed = ConfigSchema.safeParse(withOverrides);
  if (!parsed.success) {
    // A path whose env variable is unset was already reported once; skip its echo from the schema.
    const reported = new Set(problems.map((p) => p.path));
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      if (!reported.has(path)) problems.push({ path, message: describeIssue(issue) });
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(file, problems);
  return deepFreeze(parsed.data);
}

/** Reads and parses the config file; throws ConfigError (also when the file is missing). */
export function loadConfig(flagPath: string | undefined, env: Env = process.env): Readonly<Config> {
  const file = configPath(flagPath, env);
  if (!existsSync(file)) {
    throw new ConfigError(file, [
      {
        path: '',
        message: 'file not found (copy netvalue.config.example.yaml, or pass --config PATH)',
      },
    ]);
  }
  return parseConfig(readFileSync(file, 'utf8'), env, file);
}

function applyEnvOverrides(raw: unknown, env: Env): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  if (env['REDIS_URL']) out['redisUrl'] = env['REDIS_URL'];
  const clusterNodes = env['REDIS_CLUSTER_NODES']?.trim();
  if (clusterNodes)
    out['redisClusterNodes'] = clusterNodes
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
  if (env['NETVALUE_REDIS_PREFIX']) out['redisPrefix'] = env['NETVALUE_REDIS_PREFIX'];
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
