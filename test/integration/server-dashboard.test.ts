import vm from 'node:vm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_DISABLED_MESSAGE } from '../../src/server/auth.js';
import { CLIENT_CORE } from '../../src/server/dashboard/client-core.js';
import { DASHBOARD_TITLE } from '../../src/server/dashboard/page.js';
import { DASHBOARD_CSP } from '../../src/server/routes/dashboard.js';
import { startServerHarness, syncAll, waitForRun, type ServerHarness } from './server-harness.js';

/** The one inline script of the page. */
function scriptOf(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
  expect(scripts).toHaveLength(1);
  return scripts[0] ?? '';
}

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
    expect(res.body).toContain('sessionStorage');
  });

  it('sends a CSP that allows only this origin and inline code', async () => {
    const res = await h.inject({ method: 'GET', url: '/' });
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    const sources = DASHBOARD_CSP.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
    expect(new Set(sources)).toEqual(new Set(["'self'", "'unsafe-inline'", "'none'"]));
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('loads no external script, style or other asset', () => {
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[\s>]/i);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('');
    expect(styles).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  it('has a script that parses and builds the DOM without innerHTML', () => {
    const script = scriptOf(html);
    expect(() => new vm.Script(script)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('calls only admin routes that exist', async () => {
    const calls = adminCalls(scriptOf(html));
    expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual([
      'GET /admin/issues/',
      'GET /admin/ranking?',
      'GET /admin/status',
      'POST /admin/preview',
      'POST /admin/sync',
    ]);
    const [first] = await h.ctx.store.rankingPage(0, 1);
    if (!first) throw new Error('empty ranking');
    for (const { method, path } of calls) {
      // The script appends an issue's tracker and key, or the query string, to these paths.
      const url = path.endsWith('/')
        ? `${path}${first.record.trackerId}/${first.record.key}`
        : path;
      const res = await h.inject({
        method,
        url,
        headers: h.admin,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect([url, res.statusCode]).toEqual([
        url,
        method === 'POST' && url === '/admin/sync' ? 202 : 200,
      ]);
      if (url === '/admin/sync') {
        const { jobs } = res.json<{ jobs: { runId: string }[] }>();
        await Promise.all(jobs.map((j) => waitForRun(h.ctx, j.runId)));
      }
    }
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
