/**
 * Scale-out: real `netvalue worker` processes sharing one Redis. The sync is started from the
 * test's own context, which runs no workers, so the processes do all the work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { startHarness, type Harness } from './pipeline-harness.js';

const BIN = new URL('../../bin/netvalue.js', import.meta.url).pathname;
let h: Harness | null = null;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await h?.close();
  h = null;
});

/** Starts a worker process and resolves once it logs that it is taking jobs. */
async function startWorker(
  configPath: string,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'worker', '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('"worker started"')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`worker exited early (${code}): ${buffer.slice(-2000)}`)),
    );
  });
  return child;
}

function writeConfig(harness: Harness): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netvalue-')), 'netvalue.config.yaml');
  writeFileSync(path, JSON.stringify(harness.config)); // YAML is a superset of JSON
  return path;
}

const netOf = (value: unknown, cost: unknown): number | null =>
  typeof value === 'number' && typeof cost === 'number'
    ? Math.round((value - cost * 50) * 100) / 100
    : null;

function jiraEditsPerIssue(harness: Harness): number[] {
  const counts = new Map<string, number>();
  for (const e of harness.jira.log.entries) {
    if (e.operation === 'edit' && e.status === 204)
      counts.set(e.path, (counts.get(e.path) ?? 0) + 1);
  }
  return [...counts.values()];
}

function expectJiraValuesRight(harness: Harness): void {
  const wrong = harness.jira
    .issues()
    .filter((i) => i.status !== 'Done' && (i.netValue ?? null) !== netOf(i.value, i.cost))
    .map((i) => i.key);
  expect(wrong).toEqual([]);
}

/** Successful edits per issue and value: an issue sent the same value twice shows up as 2. */
function jiraSameValueTwice(harness: Harness): string[] {
  const counts = new Map<string, number>();
  for (const e of harness.jira.log.entries) {
    if (e.operation !== 'edit' || e.status !== 204) continue;
    const key = `${e.path} ${JSON.stringify((e.body as { fields?: unknown } | null)?.fields)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([key]) => key);
}

const acceptedJiraEdits = (harness: Harness): number =>
  harness.jira.log.count((e) => e.operation === 'edit' && e.status === 204);

describe('netvalue worker processes', () => {
  it('two workers on one Redis complete a 2,000-issue sync with no duplicate write, then stop on SIGTERM', async () => {
    h = await startHarness({
      workers: false,
      jira: { issues: 1000, seed: 51 },
      linear: { issues: 1000, seed: 52, requestsPerHour: 100_000 },
    });
    const config = writeConfig(h);
    const workers = await Promise.all([startWorker(config), startWorker(config)]);
    const summary = totals(
      await runSync(h.ctx, {
        trackerIds: ['acme-jira', 'acme-linear'],
        full: false,
        dryRun: false,
      }),
    );
    expect(summary.failed).toBe(0);
    expect(summary.pulled).toBeGreaterThan(1500);
    expect(summary.written).toBeGreaterThan(1000);
    expectJiraValuesRight(h);
    expect(jiraEditsPerIssue(h).every((n) => n === 1)).toBe(true);
    // Both processes took a share of the work.
    expect(await h.ctx.queues.tracker('acme-jira').getWorkersCount()).toBe(2);

    const exits = workers.map((w) => once(w, 'exit'));
    for (const w of workers) w.kill('SIGTERM');
    const codes = (await Promise.all(exits)).map(([code]) => code as number | null);
    expect(codes).toEqual([0, 0]);
  });

  it('a worker killed with SIGKILL in the middle of a write job: the re-run sends only what is still different, and `written` is what the tracker accepted', async () => {
    h = await startHarness({
      workers: false,
      jira: { issues: 160, seed: 81 },
      linear: { issues: 5, seed: 82 },
      jiraTracker: { writesPerSec: 25, timeoutMs: 2000 },
    });
    // Slow answers: when the worker dies, some edits have reached Jira and are not answered yet.
    h.jira.faults.setLatency(120);
    const config = writeConfig(h);
    const env = { NETVALUE_LOCK_MS: '1500' };
    const first = await startWorker(config, env);
    const done = runSync(h.ctx, { trackerIds: ['acme-jira'], full: false, dryRun: false });
    await h.jira.log.waitFor((e) => e.operation === 'edit' && e.status === 204, 40);
    // Between two answers (they come 40 ms apart): edits sent and not yet answered are in flight.
    // (Killed at the very instant an answer is being recorded, the run's count can still miss
    // that one write: it is recorded next to, not in, the same MULTI as the issue's state.)
    await sleep(15);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const acceptedAtKill = acceptedJiraEdits(h);
    await startWorker(config, env);
    const summary = totals(await done);

    expect(summary.failed).toBe(0);
    expect(acceptedAtKill).toBeLessThan(acceptedJiraEdits(h)); // it died mid-write
    expectJiraValuesRight(h);
    expect(jiraSameValueTwice(h)).toEqual([]);
    expect(jiraEditsPerIssue(h).every((n) => n === 1)).toBe(true);
    expect(summary.written).toBe(acceptedJiraEdits(h));
  });

  it('a worker killed with SIGKILL mid-sync is replaced and the sync completes with nothing lost', async () => {
    h = await startHarness({
      workers: false,
      jira: { issues: 600, seed: 61 },
      linear: { issues: 300, seed: 62, requestsPerHour: 100_000 },
      jiraTracker: { timeoutMs: 2000 },
    });
    h.jira.faults.setLatency(3); // keeps the sync going long enough to be interrupted
    const config = writeConfig(h);
    const env = { NETVALUE_LOCK_MS: '1500' };
    const first = await startWorker(config, env);
    const done = runSync(h.ctx, {
      trackerIds: ['acme-jira', 'acme-linear'],
      full: false,
      dryRun: false,
    });
    await h.jira.log.waitFor((e) => e.operation === 'edit', 100);
    first.kill('SIGKILL');
    await once(first, 'exit');
    await startWorker(config, env);
    const summary = totals(await done);
    expect(summary.failed).toBe(0);
    expectJiraValuesRight(h);
  });
});
