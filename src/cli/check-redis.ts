/**
 * `netvalue check`'s Redis section: reachable, recent enough, never evicting, persistent. On a
 * Redis Cluster every master is checked, plus the cluster's state and which master holds each
 * hash tag of the deployment (README "Running on Redis Cluster").
 */
import { Cluster, type Redis } from 'ioredis';
import { connectRedis, errorReason, type RedisTarget } from '../redis-connect.js';
import { deploymentTag, trackerTag } from '../store/keys.js';
import type { CheckLine } from './check-lines.js';
import { clusterLines } from './check-cluster.js';

/** README's prerequisite; BullMQ relies on commands of this version. */
const MIN_VERSION = [6, 2] as const;

/** The deployment whose slots a cluster check places: its prefix and tracker ids. */
export interface Placement {
  redisPrefix: string;
  trackerIds: readonly string[];
}

export async function checkRedis(
  target: string | RedisTarget,
  placement: Placement = { redisPrefix: 'netvalue', trackerIds: [] },
): Promise<CheckLine[]> {
  let redis: Redis | Cluster;
  try {
    redis = await connectRedis(target, { connectTimeoutMs: 3000 });
  } catch (err) {
    return [{ mark: 'fail', text: errorReason(err) }];
  }
  try {
    if (!(redis instanceof Cluster)) return await nodeLines(redis);
    const masters = redis.nodes('master');
    const perNode = await Promise.all(
      masters.map(async (node) => {
        const where = `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
        return (await nodeLines(node)).map((l) => ({ ...l, text: `${where}: ${l.text}` }));
      }),
    );
    const tags = [
      { name: 'deployment-wide keys', tag: deploymentTag(placement.redisPrefix) },
      ...placement.trackerIds.map((id) => ({
        name: `tracker ${id}`,
        tag: trackerTag(placement.redisPrefix, id),
      })),
    ];
    return [...(await clusterLines(redis, tags)), ...perNode.flat()];
  } catch (err) {
    return [{ mark: 'fail', text: `Redis answered with an error: ${errorReason(err)}` }];
  } finally {
    redis.disconnect();
  }
}

/** Version, eviction policy and persistence of one Redis (a cluster: of one master). */
async function nodeLines(redis: Redis): Promise<CheckLine[]> {
  const info = parseInfo(await redis.info());
  return [
    versionLine(info['redis_version'] ?? '?'),
    evictionLine(info['maxmemory_policy'] ?? (await configGet(redis, 'maxmemory-policy'))),
    await persistenceLine(redis, info),
  ];
}

export function parseInfo(text: string): Record<string, string> {
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
