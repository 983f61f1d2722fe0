/**
 * A run that failed says why (issue 16, item 8): in its summary's failures, in a warn-level
 * `sync finished` log line, and under `GET /admin/failed` (`runFailures`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSync } from '../../src/pipeline/sync-run.js';
import { startServerHarness, type ServerHarness } from './server-harness.js';

interface LogLine {
  level: number;
  msg: string;
  runId?: string;
  failed?: number;
  failures?: unknown;
}

const WARN = 40;

describe('a failed sync says why', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 6, seed: 1601 },
      linear: { issues: 6, seed: 1602 },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The run's `sync finished` line (logged just after the run is marked done: waited for). */
  const finishedLine = (runId: string): Promise<LogLine> =>
    vi.waitFor(() => {
      const line = h.logs
        .flatMap((chunk) => chunk.split('\n'))
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LogLine)
        .find((l) => l.msg === 'sync finished' && l.runId === runId);
      if (!line) throw new Error(`no 'sync finished' line for ${runId} yet`);
      return line;
    });

  const runFailures = async () => {
    const res = await h.inject({ method: 'GET', url: '/admin/failed', headers: h.admin });
    expect(res.statusCode).toBe(200);
    return res.json<{ runFailures: { trackerId: string; runId: string; key: string }[] }>()
      .runFailures;
  };

  it('a page pull that fails permanently: summary, warn log line and /admin/failed', async () => {
    // The run's first request is its page search: a 400 is permanent (no retry).
    h.jira.faults.enqueue({ kind: 'server_error', status: 400 });
    const [run] = await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    expect(run?.failed).toBe(1);
    const failure = run?.failures[0];
    expect(failure).toMatchObject({ trackerId: 'acme-jira', key: '(page 0)' });
    expect(failure?.message).toContain('400');
    const runId = run?.runId ?? '';

    const line = await finishedLine(runId);
    expect(line.level).toBe(WARN);
    expect(line.failed).toBe(1);
    expect(line.failures).toEqual([{ key: '(page 0)', message: failure?.message }]);

    expect(await runFailures()).toContainEqual({
      trackerId: 'acme-jira',
      runId,
      key: '(page 0)',
      message: failure?.message,
    });
  });

  it('a sync skipped because another is running shows under /admin/failed too', async () => {
    const holder = 'someone-else-run';
    expect(await h.ctx.runs.acquireLock('acme-linear', holder)).toBeNull();
    try {
      const [run] = await runSync(h.ctx, {
        trackerIds: ['acme-linear'],
        full: false,
        dryRun: false,
      });
      expect(run?.failures).toMatchObject([{ trackerId: 'acme-linear', key: '(sync)' }]);
      expect(run?.failures[0]?.message).toContain(holder);
      expect((await finishedLine(run?.runId ?? '')).level).toBe(WARN);
      expect(await runFailures()).toContainEqual({
        trackerId: 'acme-linear',
        runId: run?.runId,
        key: '(sync)',
        message: run?.failures[0]?.message,
      });
    } finally {
      await h.ctx.runs.releaseLock('acme-linear', holder);
    }
  });

  it('a sync without failures logs `sync finished` at info and lists no run failures', async () => {
    const runs = await runSync(h.ctx, {
      trackerIds: ['acme-jira', 'acme-linear'],
      full: false,
      dryRun: false,
    });
    for (const run of runs) {
      expect(run.failures).toEqual([]);
      expect((await finishedLine(run.runId)).level).toBe(30);
    }
    expect(await runFailures()).toEqual([]);
  });
});
