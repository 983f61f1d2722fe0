import { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rankingItem } from '../../src/pipeline/ranking-view.js';
import { JOB } from '../../src/queues.js';
import { ADMIN_DISABLED_MESSAGE } from '../../src/server/auth.js';
import {
  dumpPrefix,
  dumpPrefixKeys,
  startServerHarness,
  syncAll,
  waitForRun,
  type ServerHarness,
} from './server-harness.js';

interface ErrorAnswer {
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}
const errorOf = (res: { json<T>(): T }): ErrorAnswer => res.json<{ error: ErrorAnswer }>().error;

const ADMIN_ROUTES = [
  ['GET', '/admin/status'],
  ['GET', '/admin/ranking'],
  ['GET', '/admin/issues/acme-jira/APP-1'],
  ['POST', '/admin/sync'],
  ['POST', '/admin/preview'],
  ['GET', '/admin/audit'],
  ['GET', '/admin/failed'],
  ['POST', '/admin/failed/retry'],
] as const;

describe('admin API', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 30, seed: 201 },
      linear: { issues: 30, seed: 202 },
      // 35 wrong tokens from one address on purpose (security-auth.test.ts tests the limit).
      config: { server: { authFailuresPerMinute: 1000 } },
    });
    await syncAll(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = (url: string) => h.inject({ method: 'GET', url, headers: h.admin });
  const post = (url: string, payload?: unknown) =>
    h.inject({
      method: 'POST',
      url,
      headers: h.admin,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  it.each(ADMIN_ROUTES)(
    'answers 401 to %s %s without the token or with a wrong one',
    async (method, url) => {
      const token = h.config.adminToken ?? '';
      for (const authorization of [
        undefined,
        'Bearer',
        `Basic ${token}`,
        `Bearer ${token.slice(0, -1)}x`,
        `Bearer ${token}-longer`,
      ]) {
        const res = await h.inject({
          method,
          url,
          ...(authorization === undefined ? {} : { headers: { authorization } }),
        });
        expect([authorization, res.statusCode]).toEqual([authorization, 401]);
        expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
      }
    },
  );

  it('reports every tracker in GET /admin/status', async () => {
    const res = await get('/admin/status');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      settingsHash: string;
      workersRunning: boolean;
      trackers: {
        trackerId: string;
        latestRun: { status: string } | null;
        issues: Record<string, number>;
        queue: { name: string; counts: Record<string, number>; paused: boolean };
        failures: number;
      }[];
      scoreQueue: { name: string };
    }>();
    expect(body).toMatchObject({ settingsHash: h.ctx.settingsHash, workersRunning: true });
    expect(body.scoreQueue.name).toBe('score');
    expect(body.trackers.map((t) => t.trackerId)).toEqual(['acme-jira', 'acme-linear']);
    for (const t of body.trackers) {
      expect(t.latestRun).toMatchObject({ status: 'done' });
      expect(t.queue).toMatchObject({ name: `tracker-${t.trackerId}`, paused: false });
      expect(Object.keys(t.queue.counts).sort()).toEqual([
        'active',
        'completed',
        'delayed',
        'failed',
        'prioritized',
        'wait',
      ]);
      expect(t.issues['total']).toBe(await h.ctx.store.countByTracker(t.trackerId));
      expect(
        (t.issues['scored'] ?? 0) + (t.issues['unscored'] ?? 0) + (t.issues['invalid'] ?? 0),
      ).toBe(t.issues['total']);
    }
  });

  it('pages the unified ranking with the contract item shape', async () => {
    const res = await get('/admin/ranking?offset=2&limit=5');
    expect(res.statusCode).toBe(200);
    const expected = (await h.ctx.store.rankingPage(2, 5)).map((r) =>
      rankingItem(r.rank, r.record),
    );
    expect(res.json()).toEqual({
      items: expected,
      total: await h.ctx.store.rankingSize(),
      offset: 2,
      limit: 5,
    });
    expect(expected.map((i) => i.rank)).toEqual([3, 4, 5, 6, 7]);
  });

  it('filters the ranking by tracker and status but keeps the unified ranks', async () => {
    const res = await get('/admin/ranking?trackerId=acme-linear&status=scored&limit=1000');
    expect(res.statusCode).toBe(200);
    const all = await h.ctx.store.rankingAll();
    const expected = all
      .filter((r) => r.record.trackerId === 'acme-linear' && r.record.result.status === 'scored')
      .map((r) => rankingItem(r.rank, r.record));
    expect(expected.length).toBeGreaterThan(0);
    expect(res.json()).toEqual({ items: expected, total: expected.length, offset: 0, limit: 1000 });
  });

  it('answers 400 naming the field for a bad ranking query', async () => {
    const res = await get('/admin/ranking?limit=0&status=great&trackerId=nope&extra=1');
    expect(res.statusCode).toBe(400);
    const { error } = res.json<{ error: { code: string; issues: { path: string }[] } }>();
    expect(error.code).toBe('invalid_query');
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'extra',
      'limit',
      'status',
      'trackerId',
    ]);
    expect(JSON.stringify(error)).toContain('configured: acme-jira, acme-linear');
  });

  it('explains one issue with its rank and audit trail', async () => {
    const [first] = await h.ctx.store.rankingPage(0, 1);
    if (!first) throw new Error('empty ranking');
    const { record } = first;
    const res = await get(`/admin/issues/${record.trackerId}/${record.key}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      rank: 1,
      trackerId: record.trackerId,
      id: record.id,
      key: record.key,
      url: record.url,
      inputs: record.inputs,
      result: record.result,
      current: record.current,
      desired: record.desired,
      audit: await h.ctx.audit.forIssue(record.trackerId, record.id),
    });
    expect(record.result.explanation).toMatch(/ = -?\$/);
    // The first sync wrote its net value: the audit trail says so.
    expect(res.json<{ audit: unknown[] }>().audit.length).toBeGreaterThan(0);
  });

  it('answers 404 with a clear message for an unknown issue or tracker', async () => {
    const unknownIssue = await get('/admin/issues/acme-jira/APP-99999');
    expect(unknownIssue.statusCode).toBe(404);
    expect(unknownIssue.json()).toMatchObject({ error: { code: 'issue_not_found' } });
    expect(errorOf(unknownIssue).message).toContain('no issue APP-99999 is stored for acme-jira');
    const unknownTracker = await get('/admin/issues/nope/APP-1');
    expect(unknownTracker.statusCode).toBe(404);
    expect(unknownTracker.json()).toMatchObject({ error: { code: 'unknown_tracker' } });
  });

  it('lists the latest writes in GET /admin/audit, newest first', async () => {
    const res = await get('/admin/audit?trackerId=acme-jira&limit=5');
    expect(res.statusCode).toBe(200);
    const { entries } = res.json<{ entries: { trackerId: string; at: string }[] }>();
    expect(entries.length).toBe(5);
    expect(entries.every((e) => e.trackerId === 'acme-jira')).toBe(true);
    for (let i = 1; i < entries.length; i++)
      expect(entries[i - 1]!.at >= entries[i]!.at).toBe(true);
    expect(entries).toEqual(await h.ctx.audit.recent(5, { trackerId: 'acme-jira' }));
  });

  it('previews a formula change without writing to Redis or the trackers', async () => {
    // Workers stopped, so the only thing that could change Redis here is the preview itself.
    await h.workers?.close();
    h.workers = null;
    const { dump: before, volatile } = await dumpPrefixKeys(h.prefix);
    const requests = [h.jira.log.entries.length, h.linear.log.entries.length];

    const res = await post('/admin/preview', {
      hourlyRateUsd: 80,
      priorityThresholdsUsd: { high: 8000 },
    });

    expect(res.statusCode).toBe(200);
    const body = res.json<{
      settings: Record<string, unknown>;
      changed: {
        key: string;
        from: { rank: number; netValueUsd: number | null };
        to: { rank: number; netValueUsd: number | null };
      }[];
      changedCount: number;
      unchangedCount: number;
    }>();
    expect(body.settings).toEqual({
      ...h.ctx.settings,
      hourlyRateUsd: 80,
      priorityThresholdsUsd: { high: 8000, medium: 1000 },
    });
    // A higher rate lowers every scored net value that has a cost.
    expect(body.changed.length).toBeGreaterThan(0);
    for (const c of body.changed) {
      if (c.from.netValueUsd !== null && c.to.netValueUsd !== null)
        expect(c.to.netValueUsd).toBeLessThanOrEqual(c.from.netValueUsd);
    }
    expect(body.changed.length + body.unchangedCount).toBe(await h.ctx.store.rankingSize());
    expect(body.changedCount).toBe(body.changed.length);
    // `limit` lists the first changes only; the count stays whole.
    const limited = await post('/admin/preview?limit=1', {
      hourlyRateUsd: 80,
      priorityThresholdsUsd: { high: 8000 },
    });
    expect(limited.json()).toMatchObject({
      changed: body.changed.slice(0, 1),
      changedCount: body.changedCount,
      unchangedCount: body.unchangedCount,
    });
    for (const bad of ['limit=-1', 'limit=abc', 'limit=10001', 'top=3']) {
      const res = await post(`/admin/preview?${bad}`, { hourlyRateUsd: 80 });
      expect([bad, res.statusCode]).toEqual([bad, 400]);
      expect(JSON.stringify(res.json())).toContain(bad.split('=')[0]);
    }
    const after = await dumpPrefix(h.prefix);
    // A key with a time to live (the rate limiter's schedule) may expire between the two dumps on
    // its own; every other key must be as it was.
    for (const key of volatile) if (!after.has(key)) before.delete(key);
    expect(after).toEqual(before);
    expect([h.jira.log.entries.length, h.linear.log.entries.length]).toEqual(requests);
  });

  it('answers 400 to a preview outside the config limits or with unknown keys', async () => {
    const cases: [unknown, string][] = [
      [{ horizonMonths: 0 }, 'horizonMonths'],
      [{ hourlyRateUsd: -1 }, 'hourlyRateUsd'],
      [{ missingInput: 'ignore' }, 'missingInput'],
      [{ rate: 80 }, 'rate'],
      [{ priorityThresholdsUsd: { low: 1 } }, 'priorityThresholdsUsd.low'],
      // Merged with the current medium (1,000), a high of 500 breaks "high >= medium".
      [{ priorityThresholdsUsd: { high: 500 } }, 'priorityThresholdsUsd'],
    ];
    for (const [payload, path] of cases) {
      const res = await post('/admin/preview', payload);
      expect([path, res.statusCode]).toEqual([path, 400]);
      expect(res.json()).toMatchObject({
        error: { code: 'invalid_body', issues: [expect.objectContaining({ path })] },
      });
    }
  });
});

describe('admin sync and failures', () => {
  let h: ServerHarness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('queues a sync whose run completes', async () => {
    h = await startServerHarness({
      jira: { issues: 10, seed: 301 },
      linear: { issues: 10, seed: 302 },
    });
    const res = await h.inject({
      method: 'POST',
      url: '/admin/sync',
      headers: h.admin,
      payload: { trackerId: 'acme-jira', full: true },
    });
    expect(res.statusCode).toBe(202);
    const { jobs } = res.json<{ jobs: { trackerId: string; runId: string; jobId: string }[] }>();
    expect(jobs).toEqual([
      { trackerId: 'acme-jira', runId: jobs[0]?.runId, jobId: `${jobs[0]?.runId}-start` },
    ]);
    const job = jobs[0]!;
    expect(job.runId).toMatch(/^acme-jira-/);
    const startJob = await Job.fromId(h.ctx.queues.tracker('acme-jira'), job.jobId);
    expect(startJob?.name).toBe(JOB.syncStart);
    const summary = await waitForRun(h.ctx, job.runId);
    expect(summary).toMatchObject({
      trackerId: 'acme-jira',
      full: true,
      status: 'done',
      failed: 0,
    });
    expect(summary.pulled).toBeGreaterThan(0);
  });

  it('syncs every tracker without a body, and refuses unknown keys or trackers', async () => {
    h = await startServerHarness({ jira: { issues: 5 }, linear: { issues: 5 } });
    const all = await h.inject({ method: 'POST', url: '/admin/sync', headers: h.admin });
    expect(all.statusCode).toBe(202);
    const { jobs } = all.json<{ jobs: { trackerId: string; runId: string }[] }>();
    expect(jobs.map((j) => j.trackerId)).toEqual(['acme-jira', 'acme-linear']);
    await Promise.all(jobs.map((j) => waitForRun(h!.ctx, j.runId)));

    const unknown = await h.inject({
      method: 'POST',
      url: '/admin/sync',
      headers: h.admin,
      payload: { trackerId: 'nope' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 'invalid_body' });
    expect(errorOf(unknown).message).toBe(
      "body.trackerId: unknown tracker 'nope'; configured: acme-jira, acme-linear",
    );
    const extra = await h.inject({
      method: 'POST',
      url: '/admin/sync',
      headers: h.admin,
      payload: { dryRun: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({
      error: { code: 'invalid_body', issues: [{ path: 'dryRun', message: 'unknown key' }] },
    });
    const notJson = await h.inject({
      method: 'POST',
      url: '/admin/sync',
      headers: { ...h.admin, 'content-type': 'application/json' },
      payload: '{"trackerId":',
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('lists failed jobs and retries them', async () => {
    h = await startServerHarness({ jira: { issues: 5 }, linear: { issues: 5 } });
    const queue = h.ctx.queues.tracker('acme-jira');
    const worker = h.workers?.workers.find((w) => w.name === queue.name);
    if (!worker) throw new Error('no worker for the Jira queue');
    // Resolves when this process's worker reports the job failed (no Redis stream to miss).
    const failure = (jobId: string | undefined) =>
      new Promise<void>((resolve) => {
        const onFailed = (job: Job | undefined) => {
          if (job?.id !== jobId) return;
          worker.off('failed', onFailed);
          resolve();
        };
        worker.on('failed', onFailed);
      });
    const requestsBefore = h.jira.log.entries.length;

    // A write job whose payload is wrong (no runId) fails for good on its only attempt.
    const jobId = 'bad-write';
    const failedOnce = failure(jobId);
    await queue.add(
      JOB.write,
      { trackerId: 'acme-jira', issueIds: ['1', '2'] },
      { jobId, attempts: 1 },
    );
    await failedOnce;

    const failed = await Job.fromId(queue, jobId);
    expect(failed?.failedReason).toContain('runId');
    const listed = await h.inject({ method: 'GET', url: '/admin/failed', headers: h.admin });
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toEqual({
      issues: [],
      runFailures: [],
      jobs: [
        {
          queue: 'tracker-acme-jira',
          id: jobId,
          name: JOB.write,
          failedReason: failed?.failedReason,
          attemptsMade: 1,
          finishedOn: failed?.finishedOn,
          data: { trackerId: 'acme-jira', issueCount: 2 },
        },
      ],
    });

    const failedAgain = failure(jobId);
    const retried = await h.inject({
      method: 'POST',
      url: '/admin/failed/retry',
      headers: h.admin,
    });
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toEqual({
      retriedQueues: [{ queue: 'tracker-acme-jira', jobs: 1 }],
      failedIssues: 0,
    });
    // The retried job ran again (and, its payload still wrong, failed again) without a tracker call.
    await failedAgain;
    expect(h.jira.log.entries.length).toBe(requestsBefore);
  });
});

describe('admin API without a token configured', () => {
  let h: ServerHarness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('answers 503 admin_disabled on every admin route, token or not', async () => {
    h = await startServerHarness({
      workers: false,
      config: { adminToken: undefined },
      jira: { issues: 3 },
      linear: { issues: 3 },
    });
    expect(h.config.adminToken).toBeUndefined();
    for (const [method, url] of ADMIN_ROUTES) {
      for (const headers of [{}, { authorization: 'Bearer test-admin-token-0123456789' }]) {
        const res = await h.inject({ method, url, headers });
        expect([url, res.statusCode]).toEqual([url, 503]);
        expect(res.json()).toEqual({
          error: { code: 'admin_disabled', message: ADMIN_DISABLED_MESSAGE },
        });
      }
    }
  });
});
