import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';

const example = readFileSync(
  new URL('../../netvalue.config.example.yaml', import.meta.url),
  'utf8',
);

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const minimal = `
trackers:
  - id: j
    kind: jira
    baseUrl: https://acme.atlassian.net
    email: a@b.c
    apiToken: \${JIRA_API_TOKEN}
    jql: project = APP
    fields: { value: V, cost: C, netValue: N }
`;

/** What a filled-in .env gives the example file. */
const exampleEnv = {
  // What `openssl rand -hex 32` prints: config wants at least 32 characters (README "Security").
  NETVALUE_ADMIN_TOKEN: '5f2b8c0e9d1a4f7b3c6e8a0d2f4b6c8e0a1c3e5f7b9d1f3a5c7e9b1d3f5a7c9e',
  JIRA_EMAIL: 'bot@acme.example',
  JIRA_API_TOKEN: 'jira-token',
  JIRA_WEBHOOK_SECRET: '0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c',
  LINEAR_API_KEY: 'linear-key',
  LINEAR_WEBHOOK_SECRET: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
};

describe('config', () => {
  it('accepts the commented example file', () => {
    const config = parseConfig(example, exampleEnv);
    expect(config.trackers.map((t) => t.id)).toEqual(['acme-jira', 'acme-linear']);
    expect(config.scoring).toMatchObject({
      horizonMonths: 1,
      hourlyRateUsd: 50,
      missingInput: 'unscored',
    });
  });

  it('fills defaults from the schema', () => {
    const config = parseConfig(minimal, { JIRA_API_TOKEN: 't0ken' });
    expect(config.redisPrefix).toBe('netvalue');
    expect(config.server.port).toBe(3000);
    expect(config.sync).toMatchObject({ intervalSec: 300, fullEverySec: 86400 });
    expect(config.trackers[0]).toMatchObject({
      apiToken: 't0ken',
      rank: false,
      pinLabel: 'netvalue-pin',
    });
  });

  it('reports every problem at once, with its path', () => {
    const text = `
scoring: { horizonMonths: -1 }
trackers:
  - id: j
    kind: jira
    baseUrl: https://acme.atlassian.net
    email: a@b.c
    apiToken: x
    jql: project = APP
    fields: { value: V, cost: C }
  - id: l
    kind: linear
    apiKey: k
    teams: []
`;
    expect(problemsOf(text)).toEqual([
      'scoring.horizonMonths: Too small: expected number to be >0',
      'trackers[0].fields.netValue: required',
      'trackers[1].teams: Too small: expected array to have >=1 items',
    ]);
  });

  it('names an unset environment variable without printing any value', () => {
    const problems = problemsOf(minimal);
    expect(problems).toEqual([
      'trackers[0].apiToken: environment variable JIRA_API_TOKEN is not set (set it in the environment or in .env)',
    ]);
  });

  it('names an empty environment variable (what a copied .env.example leaves)', () => {
    expect(problemsOf(minimal, { JIRA_API_TOKEN: '' })).toEqual([
      'trackers[0].apiToken: environment variable JIRA_API_TOKEN is empty (set it in the environment or in .env)',
    ]);
  });

  it('gives no secret or credential in the example file a default', () => {
    const unset = (name: string) =>
      `environment variable ${name} is not set (set it in the environment or in .env)`;
    expect(problemsOf(example)).toEqual([
      `adminToken: ${unset('NETVALUE_ADMIN_TOKEN')}`,
      `trackers[0].email: ${unset('JIRA_EMAIL')}`,
      `trackers[0].apiToken: ${unset('JIRA_API_TOKEN')}`,
      `trackers[0].webhookSecret: ${unset('JIRA_WEBHOOK_SECRET')}`,
      `trackers[1].apiKey: ${unset('LINEAR_API_KEY')}`,
      `trackers[1].webhookSecret: ${unset('LINEAR_WEBHOOK_SECRET')}`,
    ]);
    expect(example).not.toMatch(/(?:adminToken|email|apiToken|apiKey|webhookSecret):.*:-/);
  });

  it('never echoes a secret in its messages', () => {
    const text = minimal.replace('email: a@b.c', 'email: a@b.c\n    webhookSecret: 42');
    const err = (() => {
      try {
        parseConfig(text, { JIRA_API_TOKEN: 'super-secret-token-value' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toContain('trackers[0].webhookSecret');
    expect(err?.message).not.toContain('super-secret-token-value');
  });

  it('rejects duplicate tracker ids and unknown keys', () => {
    const text = `${minimal}  - id: j\n    kind: linear\n    apiKey: k\n    teams: [ENG]\nsurprise: 1\n`;
    expect(problemsOf(text, { JIRA_API_TOKEN: 't' })).toEqual([
      ': Unrecognized key: "surprise"',
      "trackers[1].id: duplicate tracker id 'j' (also trackers[0])",
    ]);
  });

  it('lets REDIS_URL and NETVALUE_REDIS_PREFIX override the file', () => {
    const config = parseConfig(minimal, {
      JIRA_API_TOKEN: 't',
      REDIS_URL: 'redis://10.0.0.1:6380',
      NETVALUE_REDIS_PREFIX: 'staging',
    });
    expect(config).toMatchObject({ redisUrl: 'redis://10.0.0.1:6380', redisPrefix: 'staging' });
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problemsOf('trackers: [\n')[0]).toMatch(/^line \d+: /);
  });
});
