import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/build-server.js';
import { RedisHealth } from '../../src/store/redis-health.js';
import {
  JIRA_FIELDS,
  parsePrometheus,
  sampleValue,
  startServerHarness,
  syncAll,
  type ServerHarness,
} from './server-harness.js';

const LINEAR_SECRET = 'lin_wh_observability_secret_0123456789';

describe('health, metrics and the OpenAPI document', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 15, seed: 401 },
      linear: { issues: 15, seed: 402 },
      jiraTracker: { fields: JIRA_FIELDS },
      // No debounced rank plan during the test (see server-webhooks.test.ts).
      config: { sync: { rankSettleMs: 600_000 } },
    });
    await syncAll(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers /healthz and /readyz', async () => {
    expect((await h.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await h.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', workers: 'ok' } });
  });

  it('answers 503 from /readyz naming the check that failed, its reason only to the admin', async () => {
    const noWorkers = await buildServer({ ctx: h.ctx, workersRunning: () => false });
    // A Redis nobody listens on: PING never answers, the probe gives up after its timeout.
    const deadRedis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => 50,
    });
    deadRedis.on('error', () => undefined); // refused connections are the point here
    const noRedis = await buildServer({
      ctx: { ...h.ctx, health: new RedisHealth(deadRedis) },
      workersRunning: () => true,
    });
    try {
      const a = await noWorkers.inject({ method: 'GET', url: '/readyz' });
      expect([a.statusCode, a.json()]).toEqual([
        503,
        { status: 'not_ready', checks: { redis: 'ok', workers: 'not running' } },
      ]);
      const b = await noRedis.inject({ method: 'GET', url: '/readyz' });
      expect(b.statusCode).toBe(503);
      // The open probe says which check failed, never why (Redis errors name host and port).
      expect(b.json<{ checks: { redis: string; workers: string } }>().checks).toEqual({
        redis: 'failed',
        workers: 'ok',
      });
      expect(b.body).not.toContain('127.0.0.1');
      const details = await noRedis.inject({
        method: 'GET',
        url: '/admin/readyz',
        headers: h.admin,
      });
      expect([details.statusCode, details.json()]).toEqual([
        503,
        {
          status: 'not_ready',
          checks: { redis: 'failed: Redis PING did not answer within 1000 ms', workers: 'ok' },
        },
      ]);
      expect((await noRedis.inject({ method: 'GET', url: '/admin/readyz' })).statusCode).toBe(401);
    } finally {
      await noWorkers.close();
      await noRedis.close();
      deadRedis.disconnect();
    }
  });

  it('exposes Prometheus text that counts the webhooks just sent', async () => {
    const [issue] = (await h.ctx.store.all('acme-jira')).filter(
      (r) => r.result.status === 'scored',
    );
    if (!issue) throw new Error('no scored Jira issue');
    h.jira.editIssue(issue.key, { value: 98_765 });
    const delivery = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });
    const send = (url: string, d: { headers: Record<string, string>; body: string }) =>
      h.inject({ method: 'POST', url, headers: d.headers, payload: d.body });
    const written = h.jira.log.waitFor(
      (e) => e.operation === 'edit' && e.path.endsWith(`/${issue.id}`),
      h.jira.log.count((e) => e.operation === 'edit' && e.path.endsWith(`/${issue.id}`)) + 1,
    );
    expect((await send('/webhooks/jira/acme-jira', delivery)).json()).toEqual({ status: 'queued' });
    expect((await send('/webhooks/jira/acme-jira', delivery)).json()).toEqual({
      status: 'duplicate',
    });
    const forged = h.jira.webhook(issue.key, { secret: 'forged' });
    expect((await send('/webhooks/jira/acme-jira', forged)).statusCode).toBe(401);
    const notJson = { headers: { 'content-type': 'application/json' }, body: 'nope' };
    expect((await send('/webhooks/jira/acme-jira', notJson)).statusCode).toBe(401);
    expect((await send('/webhooks/jira/who-knows', delivery)).statusCode).toBe(404);
    await written;

    const res = await h.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(res.body);
    const webhooks = (outcome: string, tracker = 'acme-jira') =>
      sampleValue(samples, 'netvalue_webhooks_total', { tracker, outcome });
    expect(webhooks('queued')).toBe(1);
    expect(webhooks('duplicate')).toBe(1);
    expect(webhooks('rejected_signature')).toBe(2);
    expect(webhooks('unknown_tracker', 'unknown')).toBe(1);
    expect(sampleValue(samples, 'netvalue_webhook_ack_seconds_count')).toBe(5);
    // Gauges are refreshed at scrape time from Redis.
    const scored = (await h.ctx.store.rankingAll()).filter(
      (r) => r.record.result.status === 'scored',
    );
    expect(sampleValue(samples, 'netvalue_issues', { status: 'scored' })).toBe(scored.length);
    for (const queue of ['score', 'tracker-acme-jira', 'tracker-acme-linear']) {
      for (const state of ['wait', 'active', 'delayed', 'prioritized', 'failed', 'completed'])
        expect([
          queue,
          state,
          typeof sampleValue(samples, 'netvalue_jobs', { queue, state }),
        ]).toEqual([queue, state, 'number']);
    }
    expect(
      sampleValue(samples, 'netvalue_writes_total', { tracker: 'acme-jira', result: 'written' }),
    ).toBeGreaterThan(0);
  });

  it('describes every route in the OpenAPI document, admin routes with the bearer scheme', async () => {
    const res = await h.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown;
            requestBody?: unknown;
            parameters?: unknown[];
            responses: Record<string, unknown>;
          }
        >
      >;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.components.securitySchemes['bearer']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /webhooks/jira/{trackerId}',
        'POST /webhooks/linear/{trackerId}',
        'GET /admin/status',
        'GET /admin/readyz',
        'GET /admin/history',
        'GET /admin/ranking',
        'GET /admin/issues/{trackerId}/{key}',
        'POST /admin/sync',
        'POST /admin/preview',
        'GET /admin/audit',
        'GET /admin/failed',
        'POST /admin/failed/retry',
        'GET /admin/matrix',
        'GET /admin/issues/{trackerId}/{key}/trail',
        'GET /admin/plans',
        'POST /admin/plans/{trackerId}/approve',
        'POST /admin/plans/{trackerId}/discard',
        'GET /admin/review',
        'GET /admin/review/trend',
        'POST /admin/review/send',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ].sort(),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const operation of Object.values(methods)) {
        expect([path, operation.security]).toEqual([
          path,
          path.startsWith('/admin/') ? [{ bearer: [] }] : undefined,
        ]);
      }
    }
    // Request schemas come from the zod schemas, limits included.
    const preview = doc.paths['/admin/preview']?.['post'];
    expect(JSON.stringify(preview?.requestBody)).toContain('"additionalProperties":false');
    expect(JSON.stringify(preview?.requestBody)).toContain('"horizonMonths"');
    expect(doc.paths['/admin/ranking']?.['get']?.parameters).toHaveLength(4);
    expect(Object.keys(doc.paths['/admin/ranking']?.['get']?.responses ?? {})).toEqual([
      '200',
      '400',
    ]);
  });

  it('answers unknown routes 404 in the error shape', async () => {
    for (const [method, url] of [
      ['GET', '/nope'],
      ['POST', '/admin/nope'],
      ['GET', '/webhooks/jira/acme-jira'],
    ] as const) {
      const res = await h.inject({ method, url, headers: h.admin });
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.json()).toEqual({
        error: { code: 'not_found', message: `no route ${method} ${url}` },
      });
    }
  });
});

describe('logs', () => {
  let h: ServerHarness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('never contain a configured secret, however the requests carry them', async () => {
    h = await startServerHarness({
      jira: { issues: 10, seed: 501 },
      linear: { issues: 10, seed: 502 },
      jiraTracker: { fields: JIRA_FIELDS },
      linearTracker: { webhookSecret: LINEAR_SECRET },
      config: { sync: { rankSettleMs: 600_000 } },
    });
    await syncAll(h);
    const secrets = {
      adminToken: h.config.adminToken ?? '',
      jiraApiToken: h.jira.credentials.apiToken,
      jiraWebhookSecret: h.jira.webhookSecret,
      linearApiKey: h.linear.apiKey,
      linearWebhookSecret: LINEAR_SECRET,
    };
    const [jiraIssue] = (await h.ctx.store.all('acme-jira')).filter(
      (r) => r.result.status === 'scored',
    );
    const [linearIssue] = await h.ctx.store.all('acme-linear');
    if (!jiraIssue || !linearIssue) throw new Error('backlog too small');
    const post = (url: string, d: { headers: Record<string, string>; body: string }) =>
      h!.inject({
        method: 'POST',
        url,
        headers: { ...d.headers, 'x-request-id': 'trace-42' },
        payload: d.body,
      });

    h.jira.editIssue(jiraIssue.key, { value: 55_555 });
    const written = h.jira.log.waitFor(
      (e) => e.operation === 'edit' && e.path.endsWith(`/${jiraIssue.id}`),
      h.jira.log.count((e) => e.operation === 'edit' && e.path.endsWith(`/${jiraIssue.id}`)) + 1,
    );
    const accepted = await post(
      '/webhooks/jira/acme-jira',
      h.jira.webhook(jiraIssue.key, { secret: h.jira.webhookSecret }),
    );
    expect(accepted.headers['x-request-id']).toBe('trace-42');
    await written;
    await post('/webhooks/jira/acme-jira', h.jira.webhook(jiraIssue.key, { secret: 'wrong' }));
    await post(
      '/webhooks/linear/acme-linear',
      h.linear.webhook(linearIssue.key, {
        secret: LINEAR_SECRET,
        actorId: 'a-person',
        updatedFrom: { title: 'x' },
      }),
    );
    await post(
      '/webhooks/linear/acme-linear',
      h.linear.webhook(linearIssue.key, { secret: 'wrong' }),
    );
    for (const authorization of [
      `Bearer ${secrets.adminToken}`,
      `Bearer ${secrets.adminToken}x`,
      secrets.adminToken,
    ]) {
      await h.inject({ method: 'GET', url: '/admin/status', headers: { authorization } });
      await h.inject({
        method: 'POST',
        url: '/admin/preview',
        headers: { authorization },
        payload: { hourlyRateUsd: 60 },
      });
    }
    // A body that quotes a secret must not be echoed into the logs either.
    await h.inject({
      method: 'POST',
      url: '/admin/preview',
      headers: {
        authorization: `Bearer ${secrets.adminToken}`,
        'content-type': 'application/json',
      },
      payload: `{"hourlyRateUsd": ${secrets.jiraWebhookSecret}}`,
    });

    const logs = h.logs.join('');
    expect(logs).toContain('"reqId":"trace-42"');
    expect(logs).toContain('webhook accepted');
    expect(logs).toContain('/admin/status');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length).toBeGreaterThan(8);
      expect([name, logs.includes(secret)]).toEqual([name, false]);
    }
  });
});
