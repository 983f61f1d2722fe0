/**
 * The command line as a user runs it: `node bin/netvalue.js ...` in a child process, against the
 * sandboxes and a private Redis prefix. Exit codes and the contract's JSON shapes are checked.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './pipeline-harness.js';

const BIN = new URL('../../bin/netvalue.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'netvalue-cli-'));
let h: Harness;
let configPath: string;

beforeAll(async () => {
  h = await startHarness({
    workers: false,
    jira: { issues: 40, seed: 91, includeExamples: true },
    linear: { issues: 30, seed: 92 },
  });
  configPath = join(dir, 'netvalue.config.yaml');
  writeFileSync(configPath, JSON.stringify(h.config));
});
afterAll(async () => {
  await h.close();
});

async function netvalue(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('netvalue CLI', () => {
  it('--help lists every command of the contract', async () => {
    const { code, stdout } = await netvalue(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'worker', 'sync', 'ranking', 'review', 'check', 'demo'])
      expect(stdout).toContain(`  ${command}`);
  });

  it('reports every config mistake at once with its path, and exits 2 without printing secrets', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'scoring: { hourlyRateUsd: -5 }',
        'trackers:',
        '  - id: acme-jira',
        '    kind: jira',
        '    baseUrl: not-a-url',
        '    email: bot@example.com',
        '    apiToken: very-secret-token-123',
        '    jql: project = APP',
        '    fields: { value: V, cost: C }',
      ].join('\n'),
    );
    const { code, stderr } = await netvalue(['check', '--config', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('3 problems');
    expect(stderr).toContain('scoring.hourlyRateUsd:');
    expect(stderr).toContain('trackers[0].baseUrl:');
    expect(stderr).toContain('trackers[0].fields.netValue: required');
    expect(stderr).not.toContain('very-secret-token-123');
  });

  it('names a missing config file and how to make one (exit 2)', async () => {
    const { code, stderr } = await netvalue(['ranking'], {
      NETVALUE_CONFIG: join(dir, 'nope.yaml'),
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/nope\.yaml.*file not found.*netvalue\.config\.example\.yaml/s);
  });

  it('check reaches both trackers and confirms their fields (exit 0)', async () => {
    const { code, stdout } = await netvalue(['check', '--config', configPath]);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('acme-jira (jira): ok');
    expect(stdout).toContain('acme-linear (linear): ok');
  });

  it('sync --json runs one sync to completion and prints the contract shape; ranking --json follows', async () => {
    const sync = await netvalue(['sync', '--json', '--config', configPath]);
    expect(sync.code, sync.stderr).toBe(0);
    const summary = JSON.parse(sync.stdout) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual(
      [
        'failed',
        'failures',
        'invalid',
        'moved',
        'pulled',
        'scored',
        'unchanged',
        'unscored',
        'written',
      ].sort(),
    );
    expect(summary).toMatchObject({ failed: 0, failures: [] });
    expect(summary['pulled']).toBeGreaterThan(40);

    const ranking = await netvalue(['ranking', '--json', '--limit', '5', '--config', configPath]);
    expect(ranking.code).toBe(0);
    const { items } = JSON.parse(ranking.stdout) as { items: Record<string, unknown>[] };
    expect(items.map((i) => i['rank'])).toEqual([1, 2, 3, 4, 5]);
    // The contract's keys, plus the risk figures and CD3 of issue 13 and the work type of issue 17.
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      [
        'workType',
        'workTypeRule',
        'cd3',
        'confidencePct',
        'netValueHighUsd',
        'netValueLowUsd',
        'costUsd',
        'explanation',
        'key',
        'netValueUsd',
        'rank',
        'reason',
        'status',
        'title',
        'trackerId',
        'url',
        'valueUsdPerMonth',
      ].sort(),
    );

    const again = await netvalue([
      'sync',
      '--json',
      '--full',
      '--tracker',
      'acme-jira',
      '--config',
      configPath,
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, moved: 0, failed: 0 });
  });

  it('sync exits 1 and lists the failure when a tracker refuses writes', async () => {
    h.jira.editIssue('APP-1', { value: 123_456 });
    h.jira.setOnEditScreen('Net value', false);
    try {
      const { code, stdout } = await netvalue([
        'sync',
        '--tracker',
        'acme-jira',
        '--config',
        configPath,
      ]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/FAILED acme-jira APP-1: .*Net value.*screen/);
    } finally {
      h.jira.setOnEditScreen('Net value', true);
    }
  });

  it('rejects an unknown tracker with the configured ones (exit 2)', async () => {
    const { code, stderr } = await netvalue(['sync', '--tracker', 'nope', '--config', configPath]);
    expect(code).toBe(2);
    expect(stderr).toContain('configured: acme-jira, acme-linear');
  });
});
