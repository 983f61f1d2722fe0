/** `netvalue check`'s Redis section: reachable, recent enough, never evicting, persistent. */
import type { Redis } from 'ioredis';
import { connectRedis, errorReason } from '../redis-connect.js';
import type { CheckLine } from './check-lines.js';

/** README's prerequisite; BullMQ relies on commands of this version. */
const MIN_VERSION = [6, 2] as const;

export async function checkRedis(url: string): Promise<CheckLine[]> {
  let redis: Redis;
  try {
    redis = await connectRedis(url, { connectTimeoutMs: 3000 });
  } catch (err) {
    return [{ mark: 'fail', text: errorReason(err) }];
  }
  try {
    const info = parseInfo(await redis.info());
    return [
      versionLine(info['redis_version'] ?? '?'),
      evictionLine(info['maxmemory_policy'] ?? (await configGet(redis, 'maxmemory-policy'))),
      await persistenceLine(redis, info),
    ];
  } catch (err) {
    return [{ mark: 'fail', text: `Redis answered with an error: ${errorReason(err)}` }];
  } finally {
    redis.disconnect();
  }
}

function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}

/** CONFIG may be renamed or refused (managed Redis); null then. */
async function configGet(redis: Redis, name: string): Promise<string | null> {
  try {
    const reply = await redis.call('CONFIG', 'GET', name);
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
  } catch {
    return null;
  }
}

function versionLine(version: string): CheckLine {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor, minMinor] = MIN_VERSION;
  const recent = major > minMajor || (major === minMajor && minor >= minMinor);
  return recent
    ? { mark: 'ok', text: `reachable, Redis ${version}` }
    : {
        mark: 'fail',
        text: `Redis ${version} is older than ${MIN_VERSION.join('.')}, which netvalue needs: upgrade Redis`,
      };
}

function evictionLine(policy: string | null): CheckLine {
  if (policy === 'noeviction') return { mark: 'ok', text: 'maxmemory-policy is noeviction' };
  return {
    mark: 'fail',
    text:
      `maxmemory-policy is ${policy ?? 'unknown (CONFIG GET refused)'}, must be noeviction: ` +
      'under eviction Redis may drop BullMQ job keys and jobs are lost. Fix: ' +
      '`redis-cli CONFIG SET maxmemory-policy noeviction`, and `maxmemory-policy noeviction` in ' +
      'redis.conf so it survives a restart',
  };
}

async function persistenceLine(redis: Redis, info: Record<string, string>): Promise<CheckLine> {
  if (info['aof_enabled'] === '1') return { mark: 'ok', text: 'persistence: AOF on' };
  const save = await configGet(redis, 'save');
  if (save) return { mark: 'ok', text: `persistence: RDB snapshots (save ${save})` };
  const what =
    save === null ? 'AOF is off and RDB is unknown (CONFIG GET refused)' : 'AOF and RDB are off';
  return {
    mark: 'warn',
    text:
      `persistence: ${what}. After a Redis restart a full sync rebuilds the state, but queued ` +
      'jobs (pending write-backs) are lost. Turn on AOF: `appendonly yes` in redis.conf ' +
      '(or `redis-cli CONFIG SET appendonly yes`)',
  };
}
