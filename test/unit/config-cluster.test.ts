/** `redisClusterNodes` and REDIS_CLUSTER_NODES (README "Running on Redis Cluster"). */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const minimal = `
trackers:
  - id: j
    kind: jira
    baseUrl: https://acme.atlassian.net
    email: a@b.c
    apiToken: t
    jql: project = APP
    fields: { value: V, cost: C, netValue: N }
`;

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('Redis Cluster config', () => {
  it('has no cluster by default: redisUrl is used', () => {
    expect(parseConfig(minimal, {}).redisClusterNodes).toEqual([]);
  });

  it('takes seed nodes from the file, passwords allowed as in redisUrl', () => {
    const text = `redisClusterNodes: [redis://10.0.0.1:7000, 'rediss://:s3cret@10.0.0.2:7001']\n${minimal}`;
    expect(parseConfig(text, {}).redisClusterNodes).toEqual([
      'redis://10.0.0.1:7000',
      'rediss://:s3cret@10.0.0.2:7001',
    ]);
  });

  it('lets REDIS_CLUSTER_NODES (comma-separated) override the file', () => {
    const text = `redisClusterNodes: [redis://10.0.0.1:7000]\n${minimal}`;
    const env = { REDIS_CLUSTER_NODES: ' redis://10.0.0.5:7000, redis://10.0.0.6:7000 ,' };
    expect(parseConfig(text, env).redisClusterNodes).toEqual([
      'redis://10.0.0.5:7000',
      'redis://10.0.0.6:7000',
    ]);
  });

  it('names the node that is not a redis://host:port URL', () => {
    const text = `redisClusterNodes: [redis://10.0.0.1:7000, 10.0.0.2:7000]\n${minimal}`;
    expect(problemsOf(text)).toEqual(['redisClusterNodes[1]: must be redis://host:port']);
  });
});
