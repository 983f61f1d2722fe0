/**
 * Which deployment a Redis prefix belongs to: each tracker id with the site it syncs. Two
 * deployments copied from the same example share tracker ids (and, by default, the prefix); without
 * this check they would take each other's jobs and write values to unrelated issues.
 */
import type { RedisClient } from './redis-client.js';
import type { Keys } from './keys.js';
import { runScript } from './lua.js';

export interface SiteConflict {
  trackerId: string;
  /** The site recorded under the prefix. */
  recorded: string;
  /** The site this configuration syncs. */
  configured: string;
}

// Records each tracker's site where none is recorded; returns the recorded site per tracker.
const CLAIM = `
local out = {}
for i = 1, #ARGV, 2 do
  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
  out[#out + 1] = redis.call('HGET', KEYS[1], ARGV[i])
end
return out`;

export class DeploymentStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /**
   * Claims the prefix for these trackers: new tracker ids are recorded; a tracker id recorded with
   * another site is a conflict (nothing is changed for it).
   */
  async claim(sites: ReadonlyMap<string, string>): Promise<SiteConflict[]> {
    if (sites.size === 0) return [];
    const args = [...sites].flat();
    const recorded = (await runScript(
      this.redis,
      CLAIM,
      1,
      this.keys.deployment,
      ...args,
    )) as string[];
    return [...sites].flatMap(([trackerId, configured], i) => {
      const site = recorded[i] ?? configured;
      return site === configured ? [] : [{ trackerId, recorded: site, configured }];
    });
  }
}
