/**
 * `netvalue sync --dry-run` says what it would do, `netvalue ranking` says how many it shows, and a
 * sync off a terminal draws no progress bar (issue 16, items 9 and 11), through the real CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNetvalue } from './cli-process.js';
import { startHarness, writeCounts, type Harness } from './pipeline-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'netvalue-dry-run-'));
let h: Harness;
let configPath: string;

const netvalue = (args: string[], env: Record<string, string | undefined> = {}) =>
  runNetvalue([...args, '--config', configPath], { cwd: dir, env, killAfterMs: 60_000 });

beforeAll(async () => {
  h = await startHarness({
    workers: false,
    jira: { issues: 25, seed: 1691, includeExamples: true },
    linear: { issues: 20, seed: 1692 },
  });
  // Sort keys with many decimals, as Linear hands them out (the order stays as seeded).
  for (const issue of h.linear.issues())
    h.linear.editIssue(issue.identifier, {
      prioritySortOrder: issue.prioritySortOrder + 0.0012345,
    });
  configPath = join(dir, 'netvalue.config.yaml');
  writeFileSync(configPath, JSON.stringify(h.config));
});
afterAll(async () => {
  await h.close();
});

describe('netvalue sync --dry-run', () => {
  it('prints per tracker what it would write and move, what needs input, and rounded numbers', async () => {
    const { code, stdout, stderr } = await netvalue(['sync', '--dry-run']);
    expect(code, stderr).toBe(0);
    expect(writeCounts(h)).toEqual({ jiraEdits: 0, jiraRanks: 0, linearMutations: 0 });
    expect(stdout).toContain('Dry run: nothing was written.');
    for (const tracker of ['acme-jira', 'acme-linear'])
      expect(stdout).toMatch(
        new RegExp(
          `^${tracker}: would write \\d+ values? on \\d+ issues? and move \\d+ issues?$`,
          'm',
        ),
      );
    const jira = /^acme-jira: would write (\d+) values? on (\d+) issues?/m.exec(stdout);
    expect(Number(jira?.[2])).toBeGreaterThan(0);
    expect(Number(jira?.[1])).toBeGreaterThanOrEqual(Number(jira?.[2]));

    // What needs input, with the reason: the same words as `netvalue ranking`.
    expect(stdout).toMatch(/^ {2}\d+ need input \(\d+ unscored, \d+ invalid\):$/m);
    expect(stdout).toMatch(/^ {4}\S+ (unscored|invalid): \S.*$/m);

    // Change lines show numbers with at most 2 decimals.
    const changes = stdout.split('\n').filter((l) => / -> /.test(l));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.some((l) => /^ {4}acme-linear \S+: sortKey -?\d/.test(l))).toBe(true);
    for (const line of changes) expect(line).not.toMatch(/\d\.\d{3,}/);
  });

  it('--json keeps the contract shape and adds the per-tracker report (nothing after the JSON)', async () => {
    const { code, stdout, stderr } = await netvalue(['sync', '--dry-run', '--json']);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    for (const key of [
      'pulled',
      'scored',
      'unscored',
      'invalid',
      'written',
      'unchanged',
      'moved',
      'failed',
      'failures',
    ])
      expect(out).toHaveProperty(key);
    const reports = out['dryRun'] as {
      trackerId: string;
      values: number;
      issues: number;
      moves: number;
      needsInput: { key: string; status: string; reason: string }[];
      changes: string[];
    }[];
    expect(reports.map((r) => r.trackerId).sort()).toEqual(['acme-jira', 'acme-linear']);
    const needsInput = reports.flatMap((r) => r.needsInput);
    expect(needsInput.length).toBe((out['unscored'] as number) + (out['invalid'] as number));
    for (const n of needsInput) {
      expect(['unscored', 'invalid']).toContain(n.status);
      expect(n.reason).not.toBe('');
    }
  });

  it('off a terminal there is no progress bar on stderr', async () => {
    const { code, stderr } = await netvalue(['sync', '--dry-run', '--tracker', 'acme-jira']);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toMatch(/\[[#.]{20}\]/);
  });

  it('rejects an unknown NETVALUE_LOG_LEVEL (exit 2)', async () => {
    const { code, stderr } = await netvalue(['sync', '--dry-run'], { NETVALUE_LOG_LEVEL: 'loud' });
    expect(code).toBe(2);
    expect(stderr).toContain('NETVALUE_LOG_LEVEL must be one of');
  });
});

describe('netvalue ranking', () => {
  it('says how many of how many it shows, and documents its default limit', async () => {
    const { code, stdout, stderr } = await netvalue(['ranking', '--limit', '5']);
    expect(code, stderr).toBe(0);
    const total = await h.ctx.store.rankingSize();
    expect(total).toBeGreaterThan(5);
    expect(stdout).toContain(`showing 5 of ${total}`);

    const json = await netvalue(['ranking', '--json', '--limit', '3']);
    expect(JSON.parse(json.stdout)).toMatchObject({ total });

    const help = await runNetvalue(['ranking', '--help'], { cwd: dir });
    expect(help.stdout).toMatch(/default 50/);
  });
});
