/**
 * Fatal start-up errors end the process: one clear line on stderr, a non-zero exit within
 * seconds, no ioredis "Unhandled error event" and no stack trace, so a supervisor sees a dead
 * process instead of a hung one.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, minimalConfig, runNetvalue, type CliRun } from './cli-process.js';
import { deletePrefix, startHarness, type Harness } from './pipeline-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'netvalue-startup-'));
const configPath = join(dir, 'netvalue.config.yaml');
/** Start-up (tsx, imports) included: the bound is for a supervisor, not a benchmark. */
const DEADLINE_MS = 5000;

beforeAll(async () => {
  writeFileSync(configPath, minimalConfig());
  // Warm tsx's transform cache, so the measured runs time netvalue, not the first compile.
  await runNetvalue(['--help'], { cwd: dir });
});

function expectOneCleanLine(run: CliRun, line: RegExp): void {
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(run.stderr).not.toContain('Unhandled error event');
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe('fatal start-up errors', () => {
  it.each(['sync --dry-run', 'serve'])(
    '`%s` with Redis unreachable exits 1 within seconds with one line',
    async (command) => {
      const args = command.split(' ');
      const port = await closedPort();
      const run = await runNetvalue([...args, '--config', configPath], {
        cwd: dir,
        env: { REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` },
      });
      expect(run.code, run.stderr).toBe(1);
      expect(run.elapsedMs).toBeLessThan(DEADLINE_MS);
      expectOneCleanLine(
        run,
        new RegExp(
          `^netvalue ${args[0]}: cannot reach Redis at redis://\\[redacted\\]@127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`,
        ),
      );
      expect(run.stderr).not.toContain('hunter2');
    },
  );

  it.each([['thread'], ['inline']])(
    '`serve` with a tracker it cannot reach exits 1 within seconds with its reason (jobs %s)',
    async (jobs) => {
      const prefix = `t-${randomUUID().slice(0, 12)}`;
      const config = join(dir, `tracker-down-${jobs}.yaml`);
      writeFileSync(config, minimalConfig([`redisPrefix: ${prefix}`]));
      try {
        const run = await runNetvalue(['serve', '--config', config, '--jobs', jobs], { cwd: dir });
        expect(run.code, run.stderr).toBe(1);
        expect(run.elapsedMs).toBeLessThan(DEADLINE_MS);
        // The same line whichever thread met it.
        expectOneCleanLine(
          run,
          /^netvalue serve: Jira request to read the field list failed \(ECONNREFUSED\)$/,
        );
      } finally {
        await deletePrefix(prefix);
      }
    },
  );

  describe('serve on a port in use', () => {
    let h: Harness;
    let taken: Server;
    beforeAll(async () => {
      h = await startHarness({
        workers: false,
        jira: { issues: 5, seed: 97 },
        linear: { issues: 5, seed: 98 },
      });
      taken = createServer().listen(0, '127.0.0.1');
      await once(taken, 'listening');
    });
    afterAll(async () => {
      taken.close();
      await h.close();
    });

    it('exits 1 within seconds with one line, having started no worker or scheduler', async () => {
      const address = taken.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const config = join(dir, 'port-in-use.yaml');
      writeFileSync(
        config,
        JSON.stringify({ ...h.config, server: { ...h.config.server, host: '127.0.0.1', port } }),
      );
      const run = await runNetvalue(['serve', '--config', config], { cwd: dir });
      expect(run.code, run.stderr).toBe(1);
      expect(run.elapsedMs).toBeLessThan(DEADLINE_MS);
      expectOneCleanLine(
        run,
        new RegExp(`^netvalue serve: cannot listen on 127\\.0\\.0\\.1:${port}: address in use$`),
      );
      // It listened first, so nothing else was started (and nothing needed closing).
      expect(await h.ctx.queues.tracker('acme-jira').getJobSchedulers()).toEqual([]);
    });
  });
});
