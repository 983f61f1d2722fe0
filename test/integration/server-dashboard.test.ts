import vm from 'node:vm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_DISABLED_MESSAGE } from '../../src/server/auth.js';
import type { ErrorBody } from '../../src/server/errors.js';
import { CLIENT_CORE } from '../../src/server/dashboard/client-core.js';
import {
  DASHBOARD_ASSETS,
  DASHBOARD_SCRIPT,
  DASHBOARD_TITLE,
} from '../../src/server/dashboard/page.js';
import { DASHBOARD_CSP } from '../../src/server/routes/dashboard.js';
import { formatUsd } from '../../src/scoring/format.js';
import { startServerHarness, syncAll, waitForRun, type ServerHarness } from './server-harness.js';

/** `fetch('/admin/...' [+ ...], authed('METHOD'` calls in the page's script. */
function adminCalls(script: string): { method: string; path: string }[] {
  const call = /fetch\('(\/admin\/[^']*)'[^;]*?authed\('([A-Z]+)'/g;
  return [...script.matchAll(call)].map((m) => ({ method: m[2] ?? '', path: m[1] ?? '' }));
}

interface StubElement {
  hidden: boolean;
  textContent: string;
  focus(): void;
}

/**
 * The page's shared browser code run in a VM with a stub document and sessionStorage: enough to
 * follow what it does with an answer of the real server.
 */
function clientCore(token: string) {
  const elements = new Map<string, StubElement>();
  const stored = new Map<string, string>([['netvalue.adminToken', token]]);
  const sandbox = {
    document: {
      getElementById(id: string) {
        if (!elements.has(id)) elements.set(id, { hidden: false, textContent: '', focus() {} });
        return elements.get(id);
      },
    },
    sessionStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => stored.set(k, v),
      removeItem: (k: string) => stored.delete(k),
    },
  };
  const api = vm.runInNewContext(
    `${CLIENT_CORE}; ({ answer, authed, money, safeUrl })`,
    sandbox,
  ) as {
    answer(pending: Promise<Response>): Promise<unknown>;
    authed(method: string): { headers: Record<string, string> };
    money(usd: number | null): string;
    safeUrl(url: string): string | null;
  };
  return { ...api, elements, stored };
}

const toResponse = (res: LightMyRequestResponse): Response =>
  new Response(res.body, {
    status: res.statusCode,
    headers: { 'content-type': String(res.headers['content-type']) },
  });

describe('dashboard page', () => {
  let h: ServerHarness;
  let html: string;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 4, seed: 501 },
      linear: { issues: 4, seed: 502 },
    });
    await syncAll(h);
    html = (await h.inject({ method: 'GET', url: '/' })).body;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves one HTML page with its title and the token form, without a token', async () => {
    const res = await h.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain(`<title>${DASHBOARD_TITLE}</title>`);
    expect(res.body).toMatch(/<form id="login"[^>]*>/);
    expect(res.body).toMatch(/<input id="token"[^>]*type="password"/);
    expect(DASHBOARD_SCRIPT).toContain('sessionStorage');
    expect(DASHBOARD_SCRIPT).not.toContain('localStorage');
  });

  it('sends a CSP that allows only this origin, with no inline code at all', async () => {
    for (const url of ['/', ...Object.values(DASHBOARD_ASSETS)]) {
      const res = await h.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    const sources = DASHBOARD_CSP.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
    expect(new Set(sources)).toEqual(new Set(["'self'", "'none'"]));
    expect(DASHBOARD_CSP).not.toContain('unsafe');
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("style-src 'self'");
  });

  it('loads its script, stylesheet and icon from this origin only, with no inline code', async () => {
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => [m[1], m[2]])).toEqual([
      [` src="${DASHBOARD_ASSETS.script}" defer`, ''],
    ]);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const links = [...html.matchAll(/<link[^>]*href="([^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual([DASHBOARD_ASSETS.icon, DASHBOARD_ASSETS.styles]);
    expect(html).not.toMatch(/https?:\/\//i);
    const js = await h.inject({ method: 'GET', url: DASHBOARD_ASSETS.script });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe(DASHBOARD_SCRIPT);
    const css = await h.inject({ method: 'GET', url: DASHBOARD_ASSETS.styles });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).not.toMatch(/@import|url\(/i);
  });

  it('has a script that parses and builds the DOM without innerHTML', () => {
    expect(() => new vm.Script(DASHBOARD_SCRIPT)).not.toThrow();
    expect(DASHBOARD_SCRIPT).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/,
    );
    // Style is never set through an attribute (the CSP would refuse it).
    expect(DASHBOARD_SCRIPT).not.toMatch(/setAttribute\('style'|style:/);
  });

  it('calls only admin routes that exist', async () => {
    const calls = [...new Set(adminCalls(DASHBOARD_SCRIPT).map((c) => `${c.method} ${c.path}`))];
    expect(calls.sort()).toEqual([
      'GET /admin/history',
      'GET /admin/issues/',
      'GET /admin/matrix',
      'GET /admin/plans',
      'GET /admin/ranking?',
      'GET /admin/review/trend?',
      'GET /admin/review?',
      'GET /admin/status',
      'POST /admin/failed/retry',
      'POST /admin/plans/',
      'POST /admin/preview?limit=',
      'POST /admin/sync',
    ]);
    const [first] = await h.ctx.store.rankingPage(0, 1);
    if (!first) throw new Error('empty ranking');
    const issue = `${first.record.trackerId}/${first.record.key}`;
    const expected: ['GET' | 'POST', string, number][] = [
      ['GET', '/admin/history', 200],
      ['GET', `/admin/issues/${issue}`, 200],
      ['GET', `/admin/issues/${issue}/trail`, 200],
      ['GET', '/admin/matrix', 200],
      ['GET', '/admin/plans', 200],
      ['GET', '/admin/ranking?offset=0&limit=1000', 200],
      ['GET', '/admin/review?since=7d&top=20', 200],
      ['GET', '/admin/review/trend?since=90d&top=20', 200],
      ['GET', '/admin/status', 200],
      ['POST', '/admin/failed/retry', 202],
      // Both trackers write at once here (writeMode auto): there is no plan to approve.
      ['POST', '/admin/plans/acme-jira/approve', 409],
      ['POST', '/admin/plans/acme-jira/discard', 409],
      ['POST', '/admin/preview?limit=100', 200],
      ['POST', '/admin/sync', 202],
    ];
    for (const [method, url, status] of expected) {
      const res = await h.inject({
        method,
        url,
        headers: h.admin,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect([method, url, res.statusCode]).toEqual([method, url, status]);
      if (url === '/admin/sync') {
        const { jobs } = res.json<{ jobs: { runId: string }[] }>();
        await Promise.all(jobs.map((j) => waitForRun(h.ctx, j.runId)));
      }
    }
  });

  it('answers the matrix: one point per scored issue in ranking order, Value over the horizon', async () => {
    const res = await h.inject({ method: 'GET', url: '/admin/matrix', headers: h.admin });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      horizonMonths: number;
      points: { rank: number; trackerId: string; key: string; valueUsd: number; costUsd: number }[];
    }>();
    expect(body.horizonMonths).toBe(1);
    const scored = (await h.ctx.store.rankingAll()).filter(
      (r) => r.record.result.status === 'scored',
    );
    expect(scored.length).toBeGreaterThan(0);
    expect(body.points.map((p) => [p.rank, p.trackerId, p.key, p.valueUsd, p.costUsd])).toEqual(
      scored.map(({ rank, record }) => [
        rank,
        record.trackerId,
        record.key,
        record.result.valueUsdPerMonth,
        record.result.costUsd,
      ]),
    );
    const anonymous = await h.inject({ method: 'GET', url: '/admin/matrix' });
    expect(anonymous.statusCode).toBe(401);
  });

  it("tells an issue's trail in words, never with the tracker's raw rank value", async () => {
    const jira = (await h.ctx.store.rankingAll()).find(
      (r) => r.record.trackerId === 'acme-jira' && r.record.result.status === 'scored',
    )?.record;
    if (!jira || typeof jira.rank !== 'string') throw new Error('no ranked Jira issue');
    const res = await h.inject({
      method: 'GET',
      url: `/admin/issues/acme-jira/${jira.key}/trail`,
      headers: h.admin,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      trail: { source: string; text: string }[];
      series: { netValueUsd: number | null; rank: number | null }[];
    }>();
    const net = formatUsd(jira.result.netValueUsd ?? NaN);
    expect(body.trail.at(-1)?.text).toMatch(
      new RegExp(`^First seen: net value \\${net}, rank #\\d+ after a sync$`),
    );
    expect(body.trail.filter((t) => t.source === 'write').map((t) => t.text)).toContain(
      `Wrote net value ${net}`,
    );
    expect(res.body).not.toContain(jira.rank);
    expect(body.series.at(-1)?.netValueUsd).toBe(jira.result.netValueUsd);

    const unknownTracker = await h.inject({
      method: 'GET',
      url: `/admin/issues/nope/${jira.key}/trail`,
      headers: h.admin,
    });
    expect([unknownTracker.statusCode, unknownTracker.json<ErrorBody>().error.code]).toEqual([
      404,
      'unknown_tracker',
    ]);
    const unknownIssue = await h.inject({
      method: 'GET',
      url: '/admin/issues/acme-jira/APP-99999/trail',
      headers: h.admin,
    });
    expect([unknownIssue.statusCode, unknownIssue.json<ErrorBody>().error.code]).toEqual([
      404,
      'issue_not_found',
    ]);
  });

  it('is left out of the OpenAPI document', async () => {
    const doc = await h.inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(doc.json<{ paths: object }>().paths)).not.toContain('/');
  });

  it('formats money as the CLI does ($5,000, $212.50, -$450) and links only http(s) URLs', () => {
    const client = clientCore('t');
    expect([5000, -450, 0, 1234567.4, -0.4, 212.5, null].map((n) => client.money(n))).toEqual([
      '$5,000',
      '-$450',
      '$0',
      '$1,234,567.40',
      '-$0.40',
      '$212.50',
      '\u2014',
    ]);
    expect(client.safeUrl('https://acme.atlassian.net/browse/APP-1')).not.toBeNull();
    expect(client.safeUrl('javascript:alert(1)')).toBeNull();
  });

  it('sends the stored token and reads the answer of the admin API', async () => {
    const client = clientCore(h.config.adminToken ?? '');
    const { headers } = client.authed('GET');
    const res = await h.inject({ method: 'GET', url: '/admin/status', headers });
    await expect(client.answer(Promise.resolve(toResponse(res)))).resolves.toMatchObject({
      trackers: [{ trackerId: 'acme-jira' }, { trackerId: 'acme-linear' }],
    });
  });

  it('forgets a refused token and asks for it again with the reason', async () => {
    const client = clientCore('wrong-token');
    const res = await h.inject({
      method: 'GET',
      url: '/admin/status',
      headers: client.authed('GET').headers,
    });
    expect(res.statusCode).toBe(401);
    await expect(client.answer(Promise.resolve(toResponse(res)))).rejects.toMatchObject({
      status: 401,
      handled: true,
    });
    expect(client.stored.has('netvalue.adminToken')).toBe(false);
    expect(client.elements.get('login')?.hidden).toBe(false);
    expect(client.elements.get('app')?.hidden).toBe(true);
    expect(client.elements.get('login-message')?.textContent).toBe(
      'The admin token was refused (the bearer token does not match adminToken). Enter it again.',
    );
  });
});

describe('dashboard page without an admin token configured', () => {
  let h: ServerHarness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('still serves the page, and shows how to enable the admin API', async () => {
    h = await startServerHarness({
      workers: false,
      config: { adminToken: undefined },
      jira: { issues: 1 },
      linear: { issues: 1 },
    });
    const page = await h.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    const client = clientCore('any-token');
    const res = await h.inject({
      method: 'GET',
      url: '/admin/status',
      headers: client.authed('GET').headers,
    });
    expect(res.statusCode).toBe(503);
    await expect(client.answer(Promise.resolve(toResponse(res)))).rejects.toMatchObject({
      code: 'admin_disabled',
    });
    expect(client.elements.get('login')?.hidden).toBe(false);
    expect(client.elements.get('login-message')?.textContent).toBe(
      `The admin API is disabled: ${ADMIN_DISABLED_MESSAGE}.`,
    );
  });
});
