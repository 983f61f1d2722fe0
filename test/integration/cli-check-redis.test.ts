/**
 * `netvalue check` checks the Redis the config names (reachable, version, noeviction,
 * persistence) and refuses placeholder secrets. A private redis-server lets the test set the
 * policies; the shared Redis is never reconfigured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlaceholder } from '../../src/cli/check-secrets.js';
import { closedPort, runNetvalue } from './cli-process.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';
import { startHarness, type Harness } from './pipeline-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'netvalue-check-'));
let h: Harness;
let server: PrivateRedis;
let redis: Redis;
let redisUrl: string;

beforeAll(async () => {
  server = await startPrivateRedis([
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    'yes',
    '--dir',
    dir,
  ]);
  redisUrl = server.url;
  redis = new Redis(redisUrl);
  h = await startHarness({
    workers: false,
    jira: { issues: 5, seed: 93 },
    linear: { issues: 5, seed: 94 },
  });
});
afterAll(async () => {
  await h.close();
  await redis.quit();
  await server.stop();
});

/** Runs `check` with the harness's trackers and `overrides` on top of its config. */
async function check(overrides: Record<string, unknown> = {}) {
  const configPath = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configPath, JSON.stringify({ ...h.config, redisUrl, ...overrides }));
  // REDIS_URL would override the file's redisUrl.
  return runNetvalue(['check', '--config', configPath], {
    cwd: dir,
    env: { REDIS_URL: undefined, NETVALUE_REDIS_PREFIX: undefined },
  });
}

describe('netvalue check: Redis', () => {
  it('is ok with a reachable, non-evicting, persistent Redis (exit 0)', async () => {
    const run = await check();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`redis (${redisUrl}): ok`);
    expect(run.stdout).toMatch(/ {2}ok {3}reachable, Redis \d+\.\d+/);
    expect(run.stdout).toContain('  ok   maxmemory-policy is noeviction');
    expect(run.stdout).toContain('  ok   persistence: AOF on');
    expect(run.stdout).toContain('secrets: ok');
  });

  it('fails on an evicting policy, saying why and how to fix it (exit 1)', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const run = await check();
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`redis (${redisUrl}): PROBLEMS`);
      expect(run.stdout).toMatch(
        /FAIL maxmemory-policy is allkeys-lru, must be noeviction: .*BullMQ.*jobs are lost.*CONFIG SET maxmemory-policy noeviction.*redis\.conf/,
      );
      // The trackers are still checked: every problem at once.
      expect(run.stdout).toContain('acme-jira (jira): ok');
    } finally {
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('warns, without failing, when persistence is off', async () => {
    await redis.config('SET', 'appendonly', 'no');
    try {
      const run = await check();
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toContain(`redis (${redisUrl}): ok`);
      expect(run.stdout).toMatch(
        /WARN persistence: AOF and RDB are off\. .*full sync rebuilds the state, but queued jobs .*are lost.*appendonly yes/,
      );
    } finally {
      await redis.config('SET', 'appendonly', 'yes');
    }
  });

  it('fails with the reason when Redis is unreachable, and still checks the trackers', async () => {
    const port = await closedPort();
    const run = await check({ redisUrl: `redis://127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `  FAIL cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED`,
    );
    expect(run.stdout).toContain('acme-jira (jira): ok');
    expect(run.stderr).not.toContain('Unhandled error event');
  });
});

describe('netvalue check: secrets', () => {
  it('refuses placeholder secrets as a config error, naming each key and how to generate one (exit 2)', async () => {
    const [jira, linear] = h.config.trackers;
    const run = await check({
      adminToken: 'change-me-to-a-long-random-token',
      trackers: [
        { ...jira, webhookSecret: 'set-JIRA_WEBHOOK_SECRET' },
        { ...linear, webhookSecret: '<paste a secret here>' },
      ],
    });
    expect(run.code).toBe(2);
    for (const key of ['adminToken', 'trackers[0].webhookSecret', 'trackers[1].webhookSecret'])
      expect(run.stderr).toContain(
        `  - ${key}: is a placeholder: generate one with \`openssl rand -hex 32\``,
      );
    expect(run.stderr + run.stdout).not.toContain('change-me-to-a-long-random-token');
  });

  it('refuses a short webhook secret or admin token, naming the key and the rule (exit 2)', async () => {
    const [jira, linear] = h.config.trackers;
    const run = await check({
      adminToken: 'sixteen-chars-ok',
      trackers: [jira, { ...linear, webhookSecret: 'short-but-random-9f8e7d' }],
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '  - adminToken: must be at least 32 characters (got 16): generate one with `openssl rand -hex 32`',
    );
    expect(run.stderr).toContain('  - trackers[1].webhookSecret: must be at least 32 characters');
    expect(run.stderr + run.stdout).not.toContain('short-but-random-9f8e7d');
  });

  it('still refuses a placeholder tracker credential (exit 1)', async () => {
    const [jira, linear] = h.config.trackers;
    const run = await check({ trackers: [{ ...jira, apiToken: 'your-api-token' }, linear] });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('secrets: PROBLEMS');
    expect(run.stdout).toContain(
      '  FAIL trackers[0].apiToken is a placeholder: set the apiToken the tracker issued',
    );
  });

  it.each([
    ['change-me-to-a-long-random-token', true],
    ['changeme', true],
    ['set-JIRA_WEBHOOK_SECRET', true],
    ['secret', true],
    ['xxxxxxxxxxxxxxxx', true],
    ['<your token>', true],
    ['3f9a0c1d2e4b5a6978c0d1e2f3a4b5c6', false],
    ['ATATT3xFfGF0-real-looking-token', false],
    ['lin_api_abc123', false],
    ['secretive-but-long-and-random-value', false],
  ])('isPlaceholder(%s) is %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });
});
