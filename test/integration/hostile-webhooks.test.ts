/**
 * Webhook deliveries that try to break it (issue 15, section 3), through fastify `inject` on both
 * webhook routes: truncated, deeply nested, huge, wrongly typed or random bodies, wrong content
 * types, missing, garbage or duplicated signature headers, signed or not. Every answer is a 200
 * (queued / duplicate / echo / ignored) or a 4xx with `{ error: { code, message } }`; never a 5xx,
 * and the server keeps answering.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../connectors/signature.js';
import { startServerHarness, type ServerHarness } from './server-harness.js';

const LINEAR_SECRET = 'lin_wh_hostile_webhooks_secret_0123456789abcdef';
const RUNS = 150;

let h: ServerHarness;
let jiraDelivery: { body: string; headers: Record<string, string> };
let linearDelivery: { body: string; headers: Record<string, string> };

beforeAll(async () => {
  h = await startServerHarness({
    workers: false,
    jira: { issues: 3, seed: 1503 },
    linear: { issues: 3, seed: 1504 },
    linearTracker: { webhookSecret: LINEAR_SECRET },
    // Every bad signature counts against the address: keep the 429 out of this test's way.
    config: { server: { authFailuresPerMinute: 1_000_000 } },
  });
  const jiraKey = h.jira.issues()[0]?.key ?? '';
  jiraDelivery = h.jira.webhook(jiraKey, { secret: h.jira.webhookSecret });
  const linearKey = h.linear.issues()[0]?.identifier ?? '';
  linearDelivery = h.linear.webhook(linearKey, { secret: LINEAR_SECRET });
});
afterAll(async () => {
  await h?.close();
});

type Route = 'jira' | 'linear';
const ROUTES: Record<Route, { url: string; signatureHeader: string; sign: (b: Buffer) => string }> =
  {
    jira: {
      url: '/webhooks/jira/acme-jira',
      signatureHeader: 'x-hub-signature',
      sign: (b) => `sha256=${hmacSha256Hex(h.jira.webhookSecret, b)}`,
    },
    linear: {
      url: '/webhooks/linear/acme-linear',
      signatureHeader: 'linear-signature',
      sign: (b) => hmacSha256Hex(LINEAR_SECRET, b),
    },
  };

function expectWellFormed(res: LightMyRequestResponse): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode === 200) {
    expect(['queued', 'duplicate', 'echo', 'ignored']).toContain(
      res.json<{ status: string }>().status,
    );
    return;
  }
  expect([400, 401, 404, 413, 415]).toContain(res.statusCode);
  const { error } = res.json<{ error: { code: string; message: string } }>();
  expect(error.code).toMatch(/^[a-z_]+$/);
  expect(error.message.length).toBeGreaterThan(0);
}

/** A JSON value with a random path set to a random value (wrong types, nulls, huge numbers). */
function mutateJson(text: string, path: readonly string[], value: unknown): string {
  const root = JSON.parse(text) as Record<string, unknown>;
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') return JSON.stringify(root);
    node = next as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
  return JSON.stringify(root);
}

const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(null, '', 0, -1, 1e308, true, [], {}, 'x'.repeat(1000)),
  fc.string({ maxLength: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.integer(), { maxLength: 5 }),
);

/** Bodies: the real delivery truncated or mutated, random JSON, random bytes, deep nesting, huge arrays. */
const body = (route: Route) => {
  const real = () => (route === 'jira' ? jiraDelivery.body : linearDelivery.body);
  return fc.oneof(
    fc.nat({ max: 2000 }).map((n) => Buffer.from(real().slice(0, n))),
    fc
      .tuple(
        fc.constantFrom(
          ['webhookEvent'],
          ['timestamp'],
          ['issue'],
          ['issue', 'id'],
          ['issue', 'key'],
          ['issue', 'fields'],
          ['changelog'],
          ['user'],
          ['action'],
          ['type'],
          ['data'],
          ['data', 'id'],
          ['data', 'team'],
          ['data', 'labels'],
          ['data', 'estimate'],
          ['data', 'updatedAt'],
          ['webhookTimestamp'],
          ['updatedFrom'],
        ),
        hostileValue,
      )
      .map(([path, value]) => Buffer.from(mutateJson(real(), path, value))),
    fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc
      .integer({ min: 100, max: 5000 })
      .map((d) => Buffer.from(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`)),
    fc
      .integer({ min: 1000, max: 100_000 })
      .map((n) => Buffer.from(`[${Array(n).fill('0').join(',')}]`)),
  );
};

const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  undefined,
);
const signing = fc.constantFrom('valid', 'none', 'garbage', 'duplicated', 'empty', 'other-secret');

function signatureHeaders(
  route: Route,
  payload: Buffer,
  how: string,
): Record<string, string | string[]> {
  const { signatureHeader, sign } = ROUTES[route];
  switch (how) {
    case 'valid':
      return { [signatureHeader]: sign(payload) };
    case 'garbage':
      return { [signatureHeader]: 'sha256=zzzz' };
    case 'duplicated':
      return { [signatureHeader]: [sign(payload), sign(payload)] };
    case 'empty':
      return { [signatureHeader]: '' };
    case 'other-secret':
      return { [signatureHeader]: hmacSha256Hex('another-secret-0123456789abcdef0123', payload) };
    default:
      return {};
  }
}

describe.each<Route>(['jira', 'linear'])('POST /webhooks/%s: hostile deliveries', (route) => {
  it(`answers every one with a 200 or a 4xx naming the problem (${RUNS} runs)`, async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        body(route),
        contentType,
        signing,
        fc.boolean(),
        async (payload, type, how, extraHeaders) => {
          const res = await h.inject({
            method: 'POST',
            url: ROUTES[route].url,
            headers: {
              ...(type === undefined ? {} : { 'content-type': type }),
              ...signatureHeaders(route, payload, how),
              ...(extraHeaders
                ? {
                    'x-atlassian-webhook-identifier': ['a', 'b'],
                    'linear-delivery': ['', 'x'.repeat(500)],
                  }
                : {}),
            },
            payload,
          });
          expectWellFormed(res);
          statuses.add(res.statusCode);
          // A body the signature does not cover is never accepted.
          if (how !== 'valid' && how !== 'duplicated') expect(res.statusCode).not.toBe(200);
        },
      ),
      { numRuns: RUNS },
    );
    // The runs reached past the signature check too (signed bodies parsed and refused).
    expect([...statuses]).toEqual(expect.arrayContaining([400, 401]));
  });

  it('names the field of a signed body with a wrong type', async () => {
    const path = route === 'jira' ? ['issue', 'id'] : ['data', 'id'];
    const payload = Buffer.from(
      mutateJson(route === 'jira' ? jiraDelivery.body : linearDelivery.body, path, 42),
    );
    const res = await h.inject({
      method: 'POST',
      url: ROUTES[route].url,
      headers: { 'content-type': 'application/json', ...signatureHeaders(route, payload, 'valid') },
      payload,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/id/);
  });

  it('refuses a body over server.bodyLimitBytes with 413, and keeps serving', async () => {
    const payload = Buffer.alloc(h.config.server.bodyLimitBytes + 1, 0x20);
    const res = await h.inject({
      method: 'POST',
      url: ROUTES[route].url,
      headers: { 'content-type': 'application/json', ...signatureHeaders(route, payload, 'valid') },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expectWellFormed(res);
    expect((await h.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
