/**
 * Rank positions after webhooks settle: a burst of edits is planned once, after
 * `sync.rankSettleMs` of quiet, so every issue whose unified position changed gets one position
 * write, however many webhooks moved it (issue: "one webhook caused 52 Jira edits").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_FIELDS } from '../../connectors/jira/sandbox/index.js';
import type { LoggedRequest } from '../../connectors/sandbox-kit/index.js';
import { syncAll, JIRA_FIELDS, startServerHarness, type ServerHarness } from './server-harness.js';

const writesPosition = (e: LoggedRequest): boolean =>
  e.operation === 'edit' &&
  e.status === 204 &&
  Object.keys((e.body as { fields?: object } | null)?.fields ?? {}).includes(
    SANDBOX_FIELDS.rankPosition,
  );

describe('rank positions after a burst of webhooks', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 60, seed: 301 },
      linear: { issues: 10, seed: 302 },
      jiraTracker: { fields: { ...JIRA_FIELDS, rankPosition: 'Net value rank' } },
      config: { sync: { rankSettleMs: 1500 } },
    });
    await syncAll(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('writes each moved position once, after the burst settles', async () => {
    const scored = (await h.ctx.store.all('acme-jira')).filter(
      (r) => r.result.status === 'scored' && typeof r.inputs.cost === 'number',
    );
    const movers = scored.slice(-3);
    expect(movers).toHaveLength(3);
    const positionWritesBefore = h.jira.log.count(writesPosition);

    // Three people raise three issues' Value at once; each webhook's own value is written now.
    for (const [i, issue] of movers.entries()) {
      h.jira.editIssue(issue.key, { value: 10_000_000 + i });
      const written = h.jira.log.waitFor(
        (e) => e.operation === 'edit' && e.status === 204 && e.path.endsWith(`/${issue.id}`),
        h.jira.log.count((e) => e.operation === 'edit' && e.path.endsWith(`/${issue.id}`)) + 1,
      );
      const delivery = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });
      const res = await h.app.inject({
        method: 'POST',
        url: '/webhooks/jira/acme-jira',
        headers: delivery.headers,
        payload: delivery.body,
      });
      expect(res.statusCode).toBe(200);
      await written;
    }
    // No position was written yet: positions wait for the burst to settle.
    expect(h.jira.log.count(writesPosition)).toBe(positionWritesBefore);

    // What the settled plan must write: every issue whose unified position differs.
    const ranking = await h.ctx.store.rankingAll();
    const position = new Map(
      ranking.filter((r) => r.record.trackerId === 'acme-jira').map((r) => [r.record.key, r.rank]),
    );
    const stale = scored.filter((r) => h.jira.issue(r.key)?.rankPosition !== position.get(r.key));
    expect(stale.length).toBeGreaterThanOrEqual(3);
    await h.jira.log.waitFor(writesPosition, positionWritesBefore + stale.length);

    const perIssue = new Map<string, number>();
    for (const e of h.jira.log.entries.filter(writesPosition).slice(positionWritesBefore)) {
      const id = e.path.split('/').pop() ?? '';
      perIssue.set(id, (perIssue.get(id) ?? 0) + 1);
    }
    expect([...perIssue.values()].every((n) => n === 1)).toBe(true);
    expect(perIssue.size).toBe(stale.length);
    for (const r of scored)
      expect([r.key, h.jira.issue(r.key)?.rankPosition]).toEqual([r.key, position.get(r.key)]);
  });
});
