/**
 * Admin requests that try to break it (issue 15, section 3), with the right token: random and
 * wrongly typed bodies for `POST /admin/preview` and `POST /admin/sync`, random queries for
 * `GET /admin/ranking`, `/admin/history`, `/admin/audit` and random paths under
 * `/admin/issues/...`. Every answer is a 2xx or a 4xx `{ error: { code, message } }` whose
 * message (or issues) names the field; never a 5xx.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerHarness, syncAll, type ServerHarness } from './server-harness.js';

const RUNS = 150;
let h: ServerHarness;

beforeAll(async () => {
  h = await startServerHarness({
    workers: true,
    jira: { issues: 6, seed: 1505 },
    linear: { issues: 6, seed: 1506 },
  });
  await syncAll(h);
  // The property tests below only read and queue: nothing runs what /admin/sync queues.
  await h.workers?.close();
  h.workers = null;
});
afterAll(async () => {
  await h?.close();
});

interface ErrorAnswer {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

/**
 * A 2xx, or a 4xx in the error shape; a 400's issues each name a field: a known one, or the
 * unknown key the request itself carried (`surprise: Unrecognized key`).
 */
function expectWellFormed(
  res: LightMyRequestResponse,
  fields: readonly string[] = [],
  request = '',
): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode < 300) return;
  expect([400, 404, 413, 415]).toContain(res.statusCode);
  const { error } = res.json<ErrorAnswer>();
  expect(error.code).toMatch(/^[a-z_]+$/);
  expect(error.message.length).toBeGreaterThan(0);
  if (res.statusCode === 400 && fields.length > 0 && error.issues) {
    // Each issue names a field of the request (or the request part itself).
    for (const issue of error.issues) {
      const first = issue.path.split(/[.[]/)[0] ?? '';
      const named =
        issue.path === '' ||
        fields.includes(first) ||
        request.includes(first) ||
        request.includes(JSON.stringify(first).slice(1, -1)) ||
        request.includes(encodeURIComponent(first));
      expect(named, `${issue.path}: ${issue.message}`).toBe(true);
    }
  }
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, '', 0, -1, 1e308, -1e308, 5e-324, '1e309', 'NaN', [], {}),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
);

const PREVIEW_FIELDS = [
  'horizonMonths',
  'hourlyRateUsd',
  'hoursPerPoint',
  'missingInput',
  'priorityThresholdsUsd',
  'rankBy',
  'order',
  'metrics',
];

/** Preview bodies: the real keys with hostile values, plus unknown keys and random JSON. */
const previewBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...PREVIEW_FIELDS, 'surprise'), hostileValue, { maxKeys: 4 }),
  fc.record({
    priorityThresholdsUsd: fc.record({ high: hostileValue, medium: hostileValue }),
    metrics: fc.dictionary(
      fc.string({ maxLength: 8 }),
      fc.record({ name: hostileValue, baselineUsdPerMonth: hostileValue }),
      { maxKeys: 2 },
    ),
  }),
  fc.record({
    horizonMonths: fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
    hourlyRateUsd: fc.double({ min: 0, max: 1e300, noNaN: true }),
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

/** A body as sent: JSON of the value, truncated JSON, or nothing. */
const payload = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    value.map((v) => JSON.stringify(v) ?? 'null'),
    value.chain((v) => {
      const text = JSON.stringify(v) ?? 'null';
      return fc.nat({ max: text.length }).map((n) => text.slice(0, n));
    }),
    fc.constant(''),
  );

async function post(url: string, body: string, type: string | undefined) {
  return h.inject({
    method: 'POST',
    url,
    headers: { ...h.admin, ...(type === undefined ? {} : { 'content-type': type }) },
    payload: body,
  });
}

/** A query value: anything a URL can carry, encoded or raw. */
const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1',
    '200',
    '201',
    '1e3',
    '1.5',
    'NaN',
    'Infinity',
    '99999999999999999999',
    '%',
    '%zz',
    'acme-jira',
    'nope',
    '2026-01-01',
    '2026-13-45T99:00:00Z',
    'scored',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const query = (keys: readonly string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys, 'surprise'), queryValue), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));

describe('admin bodies that try to break it', () => {
  it(`POST /admin/preview: a preview or a 4xx naming the field (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(payload(previewBody), contentType, async (body, type) => {
        const res = await post('/admin/preview', body, type);
        expectWellFormed(res, PREVIEW_FIELDS, body);
        if (res.statusCode === 200) {
          // Whatever the settings, every figure it answers can be written (no NaN, no Infinity).
          expect(res.body).not.toMatch(/Infinity|NaN/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`POST /admin/sync: 202 for a tracker or all, else a 4xx naming the field (${RUNS} runs)`, async () => {
    const body = fc.oneof(
      fc.record(
        {
          trackerId: fc.oneof(
            fc.constantFrom('acme-jira', 'acme-linear', 'nope', ''),
            hostileValue,
          ),
          full: hostileValue,
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(payload(body), contentType, async (text, type) => {
        const res = await post('/admin/sync', text, type);
        expectWellFormed(res, ['trackerId', 'full'], text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('admin queries and paths that try to break it', () => {
  it.each([
    ['/admin/ranking', ['trackerId', 'status', 'offset', 'limit']],
    ['/admin/history', ['trackerId', 'from', 'to']],
    ['/admin/audit', ['trackerId', 'limit']],
  ] as const)(
    `GET %s?...: 200 or a 4xx naming the parameter (${RUNS} runs)`,
    async (path, keys) => {
      await fc.assert(
        fc.asyncProperty(query(keys), async (q) => {
          const res = await h.inject({ method: 'GET', url: `${path}?${q}`, headers: h.admin });
          expectWellFormed(res, keys, q);
        }),
        { numRuns: RUNS },
      );
    },
  );

  it(`GET /admin/issues/:trackerId/:key: the issue, or 404 / 400 (${RUNS} runs)`, async () => {
    const segment = fc.oneof(
      fc.constantFrom('acme-jira', 'acme-linear', 'APP-1', 'ENG-1', '..', '%2e%2e', '%00', '%', ''),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(segment, segment, async (tracker, key) => {
        const res = await h.inject({
          method: 'GET',
          url: `/admin/issues/${tracker}/${key}`,
          headers: h.admin,
        });
        expectWellFormed(res, ['trackerId', 'key']);
      }),
      { numRuns: RUNS },
    );
  });

  it('a bad percent-encoding in the path is answered in the API error shape', async () => {
    const res = await h.inject({
      method: 'GET',
      url: '/admin/issues/acme-jira/%',
      headers: h.admin,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorAnswer>().error.code).toMatch(/^[a-z_]+$/);
  });

  it('a wrong limit names the parameter', async () => {
    const res = await h.inject({
      method: 'GET',
      url: '/admin/ranking?limit=abc',
      headers: h.admin,
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json<ErrorAnswer>();
    expect(JSON.stringify(error)).toContain('limit');
  });
});
