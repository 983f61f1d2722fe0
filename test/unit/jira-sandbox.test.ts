import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldCatalog, seedIssues } from '../../connectors/jira/sandbox/data.js';
import { JqlError, parseJql } from '../../connectors/jira/sandbox/jql.js';
import { runQuery } from '../../connectors/jira/sandbox/query.js';
import { initialRanks, rankBetween } from '../../connectors/jira/sandbox/rank.js';
import { formatJiraDate, wallTimeToMs } from '../../connectors/jira/sandbox/time.js';

describe('jira sandbox: rank strings', () => {
  it('initial ranks ascend and look like LexoRank', () => {
    const ranks = initialRanks(500);
    expect(ranks[0]).toBe('0|001000:');
    expect([...ranks].sort()).toEqual(ranks);
  });

  it('a rank between two neighbours sorts strictly between them, however often we insert', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (picks) => {
        const order = initialRanks(3);
        for (const pick of picks) {
          const at = pick % (order.length + 1);
          const rank = rankBetween(order[at - 1] ?? null, order[at] ?? null);
          order.splice(at, 0, rank);
        }
        expect([...order].sort()).toEqual(order);
        expect(new Set(order).size).toBe(order.length);
      }),
    );
  });
});

describe('jira sandbox: JQL', () => {
  const nowMs = Date.parse('2026-03-02T12:00:00Z');
  const issues = seedIssues({ count: 40, seed: 3, includeExamples: true, nowMs });
  const ctx = { timeZone: 'UTC', nowMs, fields: fieldCatalog() };
  const run = (jql: string) => runQuery(parseJql(jql), issues, ctx).map((i) => i.key);

  it('filters by project, status category, labels and keys, with AND/OR/NOT and parentheses', () => {
    const open = run('project in (APP, OPS) AND statusCategory != Done');
    expect(open.length).toBe(issues.filter((i) => i.status !== 'Done').length);
    expect(run('project = OPS AND NOT labels = "tech-debt"')).toEqual([]);
    expect(run('(key = APP-1 OR key = OPS-1) ORDER BY key DESC')).toEqual(['OPS-1', 'APP-1']);
    expect(run('"Value ($/month)" >= 5000 AND cf[10043] = 40 ORDER BY key')).toContain('APP-1');
    expect(run('project = APP AND labels is EMPTY')).toEqual([]);
  });

  it('orders by Rank, updated and key, and compares dates in the account zone', () => {
    const byRank = runQuery(parseJql('project = APP ORDER BY Rank ASC'), issues, ctx).map(
      (i) => i.rank,
    );
    expect(byRank).toEqual([...byRank].sort());
    const newest = Math.max(...issues.map((i) => i.updatedMs));
    const cutoff = formatJiraDate(newest, 'UTC').slice(0, 16).replace('T', ' ');
    expect(run(`project in (APP, OPS) AND updated >= "${cutoff}"`).length).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      wallTimeToMs({ year: 2026, month: 1, day: 15, hour: 10, minute: 4 }, 'America/New_York'),
    ).toBe(Date.parse('2026-01-15T15:04:00Z'));
    expect(formatJiraDate(Date.parse('2026-01-15T15:04:00Z'), 'America/New_York')).toBe(
      '2026-01-15T10:04:00.000-0500',
    );
  });

  it.each([
    ['order by key', /Unbounded JQL/],
    ['project = NOPE', /The value 'NOPE' does not exist for the field 'project'/],
    ['key = APP-999', /An issue with key 'APP-999' does not exist for field 'key'/],
    ['colour = red', /Field 'colour' does not exist/],
    ['project = APP AND', /Expecting a field name or value/],
    ['summary ~ "unterminated', /has not been completed/],
  ])('answers %s with a Jira-worded error', (jql, message) => {
    expect(() => runQuery(parseJql(jql), issues, ctx)).toThrow(JqlError);
    expect(() => runQuery(parseJql(jql), issues, ctx)).toThrow(message);
  });
});
