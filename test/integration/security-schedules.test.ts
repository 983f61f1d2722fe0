/**
 * Issue 15, section 4, findings 9 and 10: sync schedules lost with Redis's data are reported by
 * /readyz (generically) and /admin/readyz, /admin/status (in detail), and re-created by the
 * periodic check `serve` runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchedulers, keepSchedules, schedulerIds } from '../../src/pipeline/scheduler.js';
import { buildServer } from '../../src/server/build-server.js';
import { startServerHarness, type ServerHarness } from './server-harness.js';

describe('sync schedules in readiness', () => {
  let h: ServerHarness;
  let app: FastifyInstance;
  let keeper: { stop(): void } | null = null;

  beforeAll(async () => {
    // No workers: the scheduled syncs wait in their queues and never run.
    h = await startServerHarness({ workers: false, jira: { issues: 3 }, linear: { issues: 3 } });
    app = await buildServer({ ctx: h.ctx, workersRunning: () => true });
    await ensureSchedulers(h.ctx);
  });
  afterAll(async () => {
    keeper?.stop();
    await app?.close();
    await h?.close();
  });

  const readyz = async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };

  it('answers 503 while a schedule is missing, and 200 once the periodic check re-creates it', async () => {
    keeper = keepSchedules(h.ctx, 200);
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { redis: 'ok', workers: 'ok', schedules: 'ok' } },
    });

    // Redis lost the schedules (as after a flush or a replaced Redis).
    const ids = schedulerIds('acme-jira');
    expect(await h.ctx.queues.tracker('acme-jira').removeJobScheduler(ids.incremental)).toBe(true);
    expect(await h.ctx.queues.tracker('acme-jira').removeJobScheduler(ids.full)).toBe(true);

    const missing = await readyz();
    expect(missing).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { redis: 'ok', workers: 'ok', schedules: 'missing' } },
    });
    // The details are for the admin only.
    const details = await app.inject({ method: 'GET', url: '/admin/readyz', headers: h.admin });
    expect(details.statusCode).toBe(503);
    expect(details.json()).toMatchObject({
      checks: { schedules: 'missing: acme-jira incremental, acme-jira full' },
    });
    const status = await app.inject({ method: 'GET', url: '/admin/status', headers: h.admin });
    const trackers = status.json<{ trackers: { trackerId: string; schedules: unknown }[] }>()
      .trackers;
    expect(trackers.map((t) => [t.trackerId, t.schedules])).toEqual([
      ['acme-jira', { incremental: false, full: false }],
      ['acme-linear', { incremental: true, full: true }],
    ]);

    const deadline = Date.now() + 5_000;
    while ((await readyz()).status !== 200) {
      if (Date.now() > deadline) throw new Error('the schedules were not re-created');
      await sleep(50);
    }
    const schedulers = await h.ctx.queues.tracker('acme-jira').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual([ids.full, ids.incremental]);
    expect(h.logs.some((l) => l.includes('sync schedules were missing: re-created'))).toBe(true);
  });

  it('a process that does not keep the schedules does not report them', async () => {
    keeper?.stop();
    keeper = null;
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', checks: { redis: 'ok', workers: 'ok' } },
    });
  });
});
