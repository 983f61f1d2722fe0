/**
 * `netvalue serve` as deployed: one process with the HTTP server, workers and schedulers. It
 * starts with a sync of every tracker, answers /readyz, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './pipeline-harness.js';
import { threadNices } from './thread-nice.js';

const BIN = new URL('../../bin/netvalue.js', import.meta.url).pathname;
let h: Harness | null = null;
afterAll(async () => {
  await h?.close();
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address ? address.port : 0;
}

describe('netvalue serve', () => {
  it.each([['thread'], ['inline']])(
    'starts with a sync of every tracker, is ready, and exits 0 on SIGTERM (jobs %s)',
    { timeout: 60_000 },
    async (jobs) => {
      await h?.close();
      h = await startHarness({
        workers: false,
        jira: { issues: 30, seed: 95 },
        linear: { issues: 20, seed: 96 },
      });
      const port = await freePort();
      const configPath = join(mkdtempSync(join(tmpdir(), 'netvalue-serve-')), 'config.yaml');
      writeFileSync(
        configPath,
        JSON.stringify({ ...h.config, server: { ...h.config.server, port } }),
      );
      // Each tracker's start-up reads (Jira's fields, Linear's teams and label groups).
      const setupReads = () => [
        h?.jira.log.count((e) => e.operation === 'field') ?? 0,
        h?.linear.log.count((e) => e.operation === 'NetvalueSetup') ?? 0,
      ];
      const readsBefore = setupReads();
      const serve = spawn(
        process.execPath,
        [BIN, 'serve', '--config', configPath, '--jobs', jobs],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      const serving = new Promise<void>((resolve, reject) => {
        serve.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          if (stderr.includes('"netvalue serving"')) resolve();
        });
        serve.once('exit', (code) =>
          reject(new Error(`serve exited early (${code}): ${stderr.slice(-2000)}`)),
        );
      });
      // Resolves once serve has logged `text`. A worker thread's log lines reach the process's
      // stderr through a channel of their own, so one may arrive after the answer it precedes.
      const logged = (text: string | RegExp) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (typeof text === 'string' ? !stderr.includes(text) : !text.test(stderr)) return;
            serve.stderr.off('data', check);
            resolve();
          };
          serve.stderr.on('data', check);
          check();
        });
      try {
        await serving;
        // The heap policy applies to serve as shipped (src/cli/heap-policy.ts).
        expect(stderr).toContain('"heapGrowthPercent":20');
        // So does the job thread's lower priority (src/cli/job-thread.ts), when there is one.
        if (jobs === 'thread') expect(stderr).toContain('"jobThreadNice":10');
        // And to V8's helper threads, which compile and collect for the job thread too: with a
        // job thread, only the thread answering HTTP keeps priority 0 (workers/thread-priority.ts).
        if (process.platform === 'linux' && serve.pid !== undefined) {
          const nice = threadNices(serve.pid);
          expect(nice.get(serve.pid)).toBe(0);
          const lowered = [...nice.values()].filter((n) => n === 10).length;
          if (jobs === 'thread') {
            // Four helpers by default (--v8-pool-size) and the job thread itself.
            expect(lowered).toBeGreaterThanOrEqual(5);
            const told = /"helperThreadsLowered":(\d+)/.exec(stderr);
            expect(Number(told?.[1])).toBeGreaterThanOrEqual(4);
          } else {
            expect(lowered).toBe(0);
            expect(stderr).not.toContain('helperThreadsLowered');
          }
        }
        // The start-up sync writes net values without anyone asking.
        await h.jira.log.waitFor((e) => e.operation === 'edit' && e.status === 204);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ checks: { redis: 'ok', workers: 'ok' } });
        const schedulers = await h.ctx.queues.tracker('acme-jira').getJobSchedulers();
        expect(schedulers.map((s) => s.key).sort()).toEqual([
          'full-sync-acme-jira',
          'incremental-sync-acme-jira',
        ]);
        expect(stderr).toContain(`"jobs":"${jobs}"`);
        // Made once: with a job thread, the HTTP thread's connectors are built from what the
        // thread's learned, not by reading the trackers again.
        expect(setupReads().map((n, i) => n - (readsBefore[i] as number))).toEqual([1, 1]);
        // The writes were made by the jobs (in the thread, or inline): /metrics counts them. A
        // write is counted after the tracker answered it and its record is saved, so the count is
        // read once the run is over (a scrape right after the first edit could come before it).
        await logged(/"trackerId":"acme-jira"[^\n]*"msg":"sync finished"/);
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const written =
          /netvalue_writes_total\{[^}]*tracker="acme-jira"[^}]*result="written"[^}]*\} (\d+)/.exec(
            metrics,
          );
        expect(Number(written?.[1] ?? 0), metrics.slice(0, 3000)).toBeGreaterThan(0);
        // Gauges are the main thread's own, once: not doubled by the thread's registry.
        expect(metrics.match(/^# TYPE netvalue_jobs gauge$/gm)).toHaveLength(1);
        // A preview reads and re-scores every issue: in the job thread when there is one.
        const previewOf = (limit: number) =>
          fetch(`http://127.0.0.1:${port}/admin/preview?limit=${limit}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${h?.config.adminToken ?? ''}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ hourlyRateUsd: 75 }),
          });
        const preview = await previewOf(3);
        expect(preview.status).toBe(200);
        const answer = (await preview.json()) as { changed: unknown[]; changedCount: number };
        expect(answer.changedCount).toBeGreaterThan(3);
        expect(answer.changed).toHaveLength(3);
        if (jobs === 'thread') await logged('preview computed in the job thread');
        else expect(stderr).not.toContain('preview computed in the job thread');
        // limit=0 lists none and still counts them, in the thread as inline.
        const counted = await previewOf(0);
        expect(await counted.json()).toMatchObject({
          changed: [],
          changedCount: answer.changedCount,
        });
      } finally {
        const exited = once(serve, 'exit');
        serve.kill('SIGTERM');
        const [code] = (await exited) as [number | null];
        expect(code, stderr.slice(-2000)).toBe(0);
      }
      expect(stderr).toContain('shutting down');
      for (const secret of [h.config.adminToken, 'sandbox-api-token'])
        expect(stderr).not.toContain(secret);
    },
  );

  it('refuses an unknown --jobs mode with exit 2, naming the flag', async () => {
    const serve = spawn(process.execPath, [BIN, 'serve', '--jobs', 'fork'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    serve.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(serve, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain("--jobs must be thread or inline, got 'fork'");
  });
});
