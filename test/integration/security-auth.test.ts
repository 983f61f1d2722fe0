/**
 * Issue 15, section 4, finding 7: failed admin tokens and webhook signatures are limited per client
 * address (429 with Retry-After, counted in Redis so every process sees it) and logged with the
 * address, never the credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, createLogger } from '../../src/main.js';
import { buildServer } from '../../src/server/build-server.js';
import { startServerHarness, type ServerHarness } from './server-harness.js';

const WRONG_TOKEN = 'wrong-admin-token-that-must-never-be-logged';

describe('failed authentication limit', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServerHarness({ workers: false, jira: { issues: 3 }, linear: { issues: 3 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const admin = (remoteAddress: string, authorization: string) =>
    h.inject({ method: 'GET', url: '/admin/status', remoteAddress, headers: { authorization } });

  it('answers 429 with Retry-After after a burst of wrong admin tokens, for that address only', async () => {
    const attacker = '198.51.100.7';
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      statuses.push((await admin(attacker, `Bearer ${WRONG_TOKEN}`)).statusCode);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429, 429, 429]);

    const refused = await admin(attacker, `Bearer ${WRONG_TOKEN}`);
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ error: { code: 'too_many_failures' } });
    // Not even the right token gets through from that address until the window ends...
    expect((await admin(attacker, h.admin.authorization)).statusCode).toBe(429);
    // ...while another client with the right token is served.
    expect((await admin('198.51.100.8', h.admin.authorization)).statusCode).toBe(200);

    // Logged at warn with the address; the token never appears in any log line.
    const failures = h.logs.filter((l) => l.includes('admin authentication failed'));
    expect(failures.length).toBeGreaterThanOrEqual(10);
    const line = JSON.parse(failures[0] as string) as { level: number; ip: string };
    expect(line.ip).toBe(attacker);
    expect(line.level).toBe(40);
    expect(h.logs.join('\n')).not.toContain(WRONG_TOKEN);
  });

  it('holds across processes: another server on the same Redis refuses the address too', async () => {
    const attacker = '198.51.100.20';
    for (let i = 0; i < 10; i++) await admin(attacker, `Bearer ${WRONG_TOKEN}`);
    const other = await createContext(h.config, {
      connectors: h.ctx.connectors,
      logger: createLogger({ logLevel: 'silent' }),
    });
    const app = await buildServer({ ctx: other, workersRunning: () => true });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/admin/status',
        remoteAddress: attacker,
        headers: h.admin,
      });
      expect(res.statusCode).toBe(429);
    } finally {
      await app.close();
      await other.close();
    }
  });

  it('limits bad webhook signatures per address the same way', async () => {
    const key = h.jira.issues()[0]?.key ?? 'none';
    const forged = h.jira.webhook(key, { secret: 'not-the-secret' });
    const send = (remoteAddress: string, delivery = forged) =>
      h.inject({
        method: 'POST',
        url: '/webhooks/jira/acme-jira',
        remoteAddress,
        headers: delivery.headers,
        payload: delivery.body,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await send('203.0.113.5')).statusCode);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
    expect((await send('203.0.113.5')).headers['retry-after']).toBeDefined();
    // The admin API keeps its own count: the address's admin requests are not refused.
    expect((await admin('203.0.113.5', h.admin.authorization)).statusCode).toBe(200);
    const line = h.logs.find((l) => l.includes('webhook authentication failed'));
    expect(line).toContain('203.0.113.5');
  });
});
