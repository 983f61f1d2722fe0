/**
 * Scale-out on a Redis Cluster: `netvalue serve` and two `netvalue worker` processes against one
 * cluster (REDIS_CLUSTER_NODES) share serve's start-up sync with no issue written twice, and the
 * tracker's write rate holds across all three processes (one pace in Redis, rate-limiter.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisClusterHandle } from '../cluster/redis-cluster.js';
import { closedPort } from './cli-process.js';
import { startHarness, type Harness } from './pipeline-harness.js';
import { waitForRun } from './server-harness.js';

const BIN = new URL('../../bin/netvalue.js', import.meta.url).pathname;
const WRITES_PER_SEC = 100;
/** Generous: the cluster's failure detection and several processes share a loaded CI machine. */
const CLUSTER_TEST_TIMEOUT_MS = 120_000;
let cluster: RedisClusterHandle;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  await cluster.stop();
});

/** Starts `netvalue <command>` on the cluster; resolves once it logs `ready`. */
async function start(command: string, configPath: string, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, command, '--config', configPath], {
    // The seed nodes come from the environment, as an operator would set them.
    env: { ...process.env, REDIS_CLUSTER_NODES: cluster.urls.slice(0, 2).join(',') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes(ready)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`${command} exited early (${code}): ${buffer.slice(-2000)}`)),
    );
  });
  return child;
}

function editTimes(h: Harness): number[] {
  return h.jira.log.entries
    .filter((e) => e.operation === 'edit' && e.status === 204)
    .map((e) => e.atMs)
    .sort((a, b) => a - b);
}

/** Accepted edits and the time from the first to the last. */
function editSpan(h: Harness): { count: number; spanMs: number } {
  const at = editTimes(h);
  return { count: at.length, spanMs: (at.at(-1) ?? 0) - (at[0] ?? 0) };
}

/** Most accepted edits in any window of `windowMs`. */
function peakEdits(h: Harness, windowMs: number): number {
  const at = editTimes(h);
  let peak = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while ((at[i] as number) - (at[j] as number) >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

/** The latest run of each tracker, once every one has one (awaits the run events). */
async function startedRuns(h: Harness, trackerIds: string[]): Promise<Record<string, string>> {
  let settle: (runs: Record<string, string>) => void = () => undefined;
  let fail: (err: unknown) => void = () => undefined;
  const started = new Promise<Record<string, string>>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const check = () =>
    h.ctx.runs.latestRuns().then((runs) => {
      if (trackerIds.every((t) => runs[t] !== undefined)) settle(runs);
    }, fail);
  const events = await h.ctx.runs.subscribe(() => void check());
  try {
    void check();
    return await started;
  } finally {
    await events.close();
  }
}

describe('serve and two workers on a Redis Cluster', () => {
  it(
    "share serve's start-up sync: every value right, each issue written once, the write rate held",
    { timeout: CLUSTER_TEST_TIMEOUT_MS },
    async () => {
      const port = await closedPort();
      const h = await startHarness({
        workers: false,
        jira: { issues: 300, seed: 601 },
        linear: { issues: 150, seed: 602, requestsPerHour: 100_000 },
        jiraTracker: { writesPerSec: WRITES_PER_SEC },
        config: { server: { host: '127.0.0.1', port } },
        clusterNodes: cluster.urls,
      });
      try {
        const path = join(mkdtempSync(join(tmpdir(), 'netvalue-')), 'netvalue.config.yaml');
        const { redisClusterNodes: _fromEnv, ...config } = h.config;
        writeFileSync(path, JSON.stringify(config)); // YAML is a superset of JSON
        const workers = await Promise.all([
          start('worker', path, '"worker started"'),
          start('worker', path, '"worker started"'),
        ]);
        const serve = await start('serve', path, '"netvalue serving"');
        // serve has queued its start-up syncs; a run is recorded once a worker takes its job.
        const runs = await startedRuns(h, ['acme-jira', 'acme-linear']);
        const summaries = await Promise.all(
          ['acme-jira', 'acme-linear'].map((t) => waitForRun(h.ctx, runs[t] ?? '')),
        );
        // The failures themselves, so a failing run says why.
        expect(summaries.flatMap((s) => s.failures)).toEqual([]);
        expect(summaries.map((s) => s.failed)).toEqual([0, 0]);
        expect(summaries[0]?.written).toBeGreaterThan(200);

        const netOf = (v: unknown, c: unknown) =>
          typeof v === 'number' && typeof c === 'number'
            ? Math.round((v - c * 50) * 100) / 100
            : null;
        const wrong = h.jira
          .issues()
          .filter((i) => i.status !== 'Done' && (i.netValue ?? null) !== netOf(i.value, i.cost));
        expect(wrong.map((i) => i.key)).toEqual([]);
        const edits = new Map<string, number>();
        for (const e of h.jira.log.entries)
          if (e.operation === 'edit' && e.status === 204)
            edits.set(e.path, (edits.get(e.path) ?? 0) + 1);
        expect([...edits.values()].every((n) => n === 1)).toBe(true);
        expect(edits.size).toBe(summaries[0]?.written);
        // Three processes took the tracker's jobs, and together they kept to its pace.
        expect(await h.ctx.queues.tracker('acme-jira').getWorkersCount()).toBe(3);
        // The pace is booked in Redis for every process (10 ms apart); on a loaded machine a process
        // that falls behind sends its late slots at once, so a one-second window may see a burst,
        // while the write phase as a whole keeps to the pace: it lasts at least (edits - 1) slots,
        // less 250 ms for a first call that went out late (three paces of their own: a third).
        const { count, spanMs } = editSpan(h);
        expect(spanMs).toBeGreaterThanOrEqual(((count - 1) * 1000) / WRITES_PER_SEC - 250);
        expect(peakEdits(h, 1000)).toBeLessThanOrEqual(WRITES_PER_SEC * 1.5);

        const exits = [...workers, serve].map((p) => once(p, 'exit'));
        for (const p of [...workers, serve]) p.kill('SIGTERM');
        expect((await Promise.all(exits)).map(([code]) => code as number | null)).toEqual([
          0, 0, 0,
        ]);
      } finally {
        await h.close();
      }
    },
  );
});
