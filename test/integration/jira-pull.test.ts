import { afterEach, describe, expect, it } from 'vitest';
import { INCREMENTAL_OVERLAP_MS } from '../../connectors/jira/jql.js';
import type { JiraConnector } from '../../connectors/jira/connector.js';
import { pullAll, startHarness, type Harness } from './jira-harness.js';

describe('jira pull (jira.js against the sandbox)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.sandbox.close();
    h = undefined;
  });

  it('pulls every in-scope issue exactly once over several pages', async () => {
    // Pages capped at 40 although 100 are asked: the connector must follow tokens, not sizes.
    h = await startHarness({ issues: 150, maxPageSize: 40 });
    const { issues, pages } = await pullAll(h.connector);
    const inScope = h.sandbox.issues().filter((i) => i.status !== 'Done');
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(issues.map((i) => i.key).sort()).toEqual(inScope.map((i) => i.key).sort());
    expect(new Set(issues.map((i) => i.id)).size).toBe(issues.length);
    const searches = h.sandbox.log.entries.filter((e) => e.operation === 'search');
    expect(searches).toHaveLength(pages);
    expect(searches.every((e) => e.path === '/rest/api/3/search/jql' && e.method === 'POST')).toBe(
      true,
    );
  });

  it('asks only for the fields it maps, 100 per page, and the tokens Jira gave', async () => {
    h = await startHarness({ issues: 120 });
    await pullAll(h.connector);
    const [first, second] = h.sandbox.log.entries.filter((e) => e.operation === 'search');
    expect(first?.body).toEqual({
      jql: 'project in (APP, OPS) AND statusCategory != Done ORDER BY Rank ASC',
      maxResults: 100,
      fields: [
        'summary',
        'issuetype',
        'labels',
        'updated',
        'customfield_10042',
        'customfield_10043',
        'customfield_10050',
        'customfield_10051',
        'customfield_10019',
      ],
    });
    expect(second?.body).toMatchObject({ nextPageToken: expect.any(String) as unknown });
  });

  it('maps issues in rank order with inputs, current values, rank and browse URL', async () => {
    h = await startHarness({ issues: 30, includeExamples: true });
    const { issues } = await pullAll(h.connector);
    const ranks = issues.map((i) => i.rank as string);
    expect(ranks).toEqual([...ranks].sort());
    const login = issues.find((i) => i.key === 'APP-1');
    expect(login).toMatchObject({
      title: 'Implement a new user login feature',
      url: `${h.sandbox.url}/browse/APP-1`,
      issueType: 'Story',
      inputs: { value: 5000, cost: 40, costUnit: 'hours' },
      current: { netValueUsd: null, rankPosition: null },
      pinned: false,
    });
  });

  it('incremental pull returns only what changed since the watermark', async () => {
    h = await startHarness({ issues: 80, timeZone: 'America/New_York' });
    // Seeded issues were last updated at least two hours ago.
    const watermark = new Date(Date.now() - INCREMENTAL_OVERLAP_MS).toISOString();
    expect((await pullAll(h.connector, watermark)).issues).toEqual([]);
    const [a, b] = h.sandbox.issues().filter((i) => i.status !== 'Done');
    h.sandbox.editIssue(a?.key as string, { value: 9000 });
    h.sandbox.editIssue(b?.key as string, { labels: ['feature', 'netvalue-pin'] });
    const { issues } = await pullAll(h.connector, watermark);
    expect(issues.map((i) => i.key).sort()).toEqual([a?.key, b?.key].sort());
    expect(issues.find((i) => i.key === a?.key)?.inputs.value).toBe(9000);
    expect(issues.find((i) => i.key === b?.key)?.pinned).toBe(true);
    const jql = (h.sandbox.log.entries.at(-1)?.body as { jql: string }).jql;
    expect(jql).toMatch(
      /^\(project in \(APP, OPS\) AND statusCategory != Done\) AND updated >= "\d{4}-\d\d-\d\d \d\d:\d\d" ORDER BY Rank ASC$/,
    );
  });

  it('fetchIssue finds an issue in scope and returns null when it left scope or is gone', async () => {
    h = await startHarness({ issues: 40 });
    const [open, other] = h.sandbox.issues().filter((i) => i.status !== 'Done');
    expect((await h.connector.fetchIssue(open?.id as string))?.key).toBe(open?.key);
    h.sandbox.editIssue(open?.key as string, { status: 'Done' });
    expect(await h.connector.fetchIssue(open?.id as string)).toBeNull();
    h.sandbox.deleteIssue(other?.key as string);
    expect(await h.connector.fetchIssue(other?.id as string)).toBeNull();
  });

  it('fetchIssues reads many in one search; a deleted one costs one more, named by Jira', async () => {
    h = await startHarness({ issues: 40 });
    const [a, b, done, deleted] = h.sandbox.issues().filter((i) => i.status !== 'Done');
    h.sandbox.editIssue(done?.key as string, { status: 'Done' });
    h.sandbox.deleteIssue(deleted?.key as string);
    const ids = [a, b, done, deleted].map((i) => i?.id as string);
    const searches = () => h!.sandbox.log.count((e) => e.operation === 'search');
    const before = searches();
    const found = await (h.connector as JiraConnector).fetchIssues(ids);
    expect([...found.keys()]).toEqual(expect.arrayContaining(ids));
    expect(found.get(a?.id as string)?.key).toBe(a?.key);
    expect(found.get(b?.id as string)?.key).toBe(b?.key);
    expect(found.get(done?.id as string)).toBeNull();
    expect(found.get(deleted?.id as string)).toBeNull();
    expect(searches() - before).toBe(2); // refused for the deleted id, then read without it
  });

  it('the removed /rest/api/3/search answers 410 and unbounded JQL answers 400', async () => {
    h = await startHarness({ issues: 5 });
    const auth = `Basic ${Buffer.from(`${h.sandbox.credentials.email}:${h.sandbox.credentials.apiToken}`).toString('base64')}`;
    const removed = await fetch(`${h.sandbox.url}/rest/api/3/search?jql=project=APP`, {
      headers: { authorization: auth },
    });
    expect(removed.status).toBe(410);
    const viaGet = await fetch(
      `${h.sandbox.url}/rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS')}&fields=summary,labels`,
      { headers: { authorization: auth } },
    );
    const page = (await viaGet.json()) as { issues: { key: string; fields: object }[] };
    expect(Object.keys(page.issues[0]?.fields ?? {})).toEqual(['summary', 'labels']);
    const unbounded = await fetch(`${h.sandbox.url}/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ jql: 'order by key' }),
    });
    expect(unbounded.status).toBe(400);
    expect(await unbounded.json()).toMatchObject({
      errorMessages: [expect.stringContaining('Unbounded JQL') as unknown],
    });
  });
});
