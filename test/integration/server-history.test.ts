/**
 * Score history and the preview additions through the HTTP API (issue 13 section 3, issue 16
 * item 10): an issue's history in GET /admin/issues/:trackerId/:key, the backlog series in
 * GET /admin/history, both in the OpenAPI document; POST /admin/preview with rankBy/order, the
 * writes a change would cost and the trackers whose own hoursPerPoint wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncAll, startServerHarness, JIRA_FIELDS, type ServerHarness } from './server-harness.js';

let h: ServerHarness;

beforeAll(async () => {
  h = await startServerHarness({
    jira: { issues: 20, includeExamples: true, seed: 5 },
    linear: { issues: 20, seed: 6 },
    jiraTracker: { fields: JIRA_FIELDS },
    linearTracker: { cost: { from: 'estimate', hoursPerPoint: 6, hoursPerPointByTeam: {} } },
  });
  await syncAll(h);
});
afterAll(async () => {
  await h.close();
});

const get = (url: string) => h.inject({ method: 'GET', url, headers: h.admin });
const post = (url: string, payload: unknown) =>
  h.inject({ method: 'POST', url, headers: h.admin, payload: payload as object });

interface Entry {
  at: string;
  why: string;
  changes: { field: string; from: unknown; to: unknown }[];
}

describe('score history', () => {
  it("keeps an issue's changes, newest first, with what changed, from, to and why", async () => {
    const first = await get('/admin/issues/acme-jira/APP-1');
    expect(first.statusCode).toBe(200);
    const { history } = first.json<{ history: Entry[] }>();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ why: 'sync' });
    expect(history[0]?.changes).toEqual(
      expect.arrayContaining([
        { field: 'value', from: null, to: 5000 },
        { field: 'netValueUsd', from: null, to: 3000 },
        { field: 'confidencePct', from: null, to: 100 },
        { field: 'rank', from: null, to: expect.any(Number) as unknown },
      ]),
    );

    h.jira.editIssue('APP-1', { value: 9000 });
    await syncAll(h);
    const after = (await get('/admin/issues/acme-jira/APP-1')).json<{ history: Entry[] }>();
    expect(after.history).toHaveLength(2);
    expect(after.history[0]?.changes).toEqual(
      expect.arrayContaining([
        { field: 'value', from: 5000, to: 9000 },
        { field: 'netValueUsd', from: 3000, to: 7000 },
      ]),
    );
    // An unchanged issue gained no entry from the second sync.
    const other = (await get('/admin/issues/acme-jira/APP-2')).json<{ history: Entry[] }>();
    expect(other.history.length).toBeLessThanOrEqual(2);
    expect(other.history.at(-1)?.why).toBe('sync');
  });

  it('answers the backlog series per tracker and overall', async () => {
    const all = await get('/admin/history');
    expect(all.statusCode).toBe(200);
    const body = all.json<{
      trackerId: string;
      points: {
        trackerId: string;
        scored: number;
        needsInput: number;
        positiveNetValueUsd: number;
      }[];
    }>();
    expect(body.trackerId).toBe('*');
    expect(body.points.length).toBeGreaterThanOrEqual(1);
    const [jiraPoint] = (await get('/admin/history?trackerId=acme-jira')).json<typeof body>()
      .points;
    const counts = await h.ctx.store.counts('acme-jira');
    expect(jiraPoint).toMatchObject({
      trackerId: 'acme-jira',
      scored: counts.scored,
      needsInput: counts.unscored + counts.invalid,
    });
    expect(jiraPoint?.positiveNetValueUsd).toBeGreaterThan(0);
    const overall = body.points.at(-1);
    expect(overall?.scored).toBeGreaterThan(jiraPoint?.scored ?? 0);

    const empty = await get('/admin/history?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z');
    expect(empty.json<typeof body>().points).toEqual([]);
    const backwards = await get('/admin/history?from=2030-01-01T00:00:00Z&to=2000-01-01T00:00:00Z');
    expect(backwards.statusCode).toBe(400);
    const unknown = await get('/admin/history?trackerId=nope');
    expect(unknown.statusCode).toBe(400);
  });

  it('documents both in the OpenAPI document', async () => {
    const doc = (await h.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    expect(doc.paths['/admin/history']?.['get']).toBeDefined();
    const issue = JSON.stringify(doc.paths['/admin/issues/{trackerId}/{key}']?.['get']);
    expect(issue).toContain('"history"');
    const ranking = JSON.stringify(doc.paths['/admin/ranking']?.['get']);
    for (const key of ['netValueLowUsd', 'netValueHighUsd', 'confidencePct', 'cd3'])
      expect(ranking).toContain(key);
  });
});

describe('preview additions', () => {
  it("says which trackers' own hoursPerPoint wins, and what a change would cost in writes", async () => {
    const res = await post('/admin/preview', { hoursPerPoint: 12 });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      changed: unknown[];
      writes: { trackerId: string; issues: number }[];
      overrides: { trackerId: string; setting: string; values: number[]; message: string }[];
    }>();
    expect(body.changed).toEqual([]);
    expect(body.overrides).toEqual([
      expect.objectContaining({ trackerId: 'acme-linear', setting: 'hoursPerPoint', values: [6] }),
    ]);
    expect(body.overrides[0]?.message).toContain('does not change them');
    expect(body.writes).toEqual(
      expect.arrayContaining([
        { trackerId: 'acme-jira', issues: 0, moved: 0, orderCalls: 0 },
        expect.objectContaining({ trackerId: 'acme-linear', issues: 0 }),
      ]),
    );

    const rate = (await post('/admin/preview', { hourlyRateUsd: 80 })).json<typeof body>();
    const jira = rate.writes.find((w) => w.trackerId === 'acme-jira');
    const scored = (await h.ctx.store.counts('acme-jira')).scored;
    // Every scored Jira issue's net value changes with the rate: one edit each.
    expect(jira?.issues).toBe(scored);
  });

  it('accepts rankBy, order and metric baselines, and refuses unknown values', async () => {
    const res = await post('/admin/preview', {
      rankBy: 'p10',
      order: 'cd3',
      metrics: { signups: { name: 'sign-up revenue', baselineUsdPerMonth: 100000 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ settings: Record<string, unknown> }>().settings).toMatchObject({
      rankBy: 'p10',
      order: 'cd3',
      metrics: { signups: { name: 'sign-up revenue', baselineUsdPerMonth: 100000 } },
    });
    expect((await post('/admin/preview', { order: 'random' })).statusCode).toBe(400);
    expect((await post('/admin/preview', { rankBy: 'p50' })).statusCode).toBe(400);
  });
});
