import { describe, expect, it } from 'vitest';
import {
  formatJqlDate,
  INCREMENTAL_OVERLAP_MS,
  oneIssueJql,
  pullJql,
  someIssuesJql,
  safeTimeZone,
  splitOrderBy,
} from '../../connectors/jira/jql.js';

describe('jira JQL building', () => {
  it.each([
    ['project = APP ORDER BY Rank ASC', 'project = APP', 'ORDER BY Rank ASC'],
    ['project = APP order  by updated DESC, key', 'project = APP', 'order  by updated DESC, key'],
    ['project = APP', 'project = APP', null],
    ['summary ~ "order by" AND project = APP', 'summary ~ "order by" AND project = APP', null],
    ['(project = APP)ORDER BY key', '(project = APP)', 'ORDER BY key'],
    ['reorder = 1 ORDER BY key', 'reorder = 1', 'ORDER BY key'],
    ['ORDER BY key', '', 'ORDER BY key'],
  ])('splits %s', (jql, where, orderBy) => {
    expect(splitOrderBy(jql)).toEqual({ where, orderBy });
  });

  it('a full pull is the configured JQL alone', () => {
    expect(pullJql(' project = APP ORDER BY Rank ', null, 'UTC')).toBe(
      'project = APP ORDER BY Rank',
    );
  });

  it('an incremental pull wraps the restriction and keeps ORDER BY last, minus the overlap', () => {
    const since = '2026-03-02T10:07:30Z';
    expect(INCREMENTAL_OVERLAP_MS).toBe(5 * 60_000);
    expect(pullJql('project in (APP, OPS) OR labels = x ORDER BY Rank ASC', since, 'UTC')).toBe(
      '(project in (APP, OPS) OR labels = x) AND updated >= "2026-03-02 10:02" ORDER BY Rank ASC',
    );
    expect(pullJql('project = APP', since, 'UTC')).toBe(
      '(project = APP) AND updated >= "2026-03-02 10:02"',
    );
  });

  it("formats the date in the account's time zone, as Jira reads it", () => {
    const ms = Date.parse('2026-01-15T15:04:59Z');
    expect(formatJqlDate(ms, 'UTC')).toBe('2026-01-15 15:04');
    expect(formatJqlDate(ms, 'America/New_York')).toBe('2026-01-15 10:04');
    expect(formatJqlDate(ms, 'Asia/Kolkata')).toBe('2026-01-15 20:34');
    expect(formatJqlDate(Date.parse('2026-01-15T00:30:00Z'), 'Europe/Berlin')).toBe(
      '2026-01-15 01:30',
    );
  });

  it('falls back to UTC for a missing or unknown zone', () => {
    expect(safeTimeZone(undefined)).toBe('UTC');
    expect(safeTimeZone('Mars/Olympus')).toBe('UTC');
    expect(safeTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });

  it('one issue: by id or key, still restricted to the configured scope', () => {
    expect(oneIssueJql('project = APP ORDER BY Rank', '10042')).toBe(
      '(project = APP) AND id = 10042 ORDER BY Rank',
    );
    expect(oneIssueJql('project = APP', 'APP-7')).toBe('(project = APP) AND key = APP-7');
    expect(() => oneIssueJql('project = APP', '1 OR 1=1')).toThrow(RangeError);
    expect(someIssuesJql('project = APP ORDER BY Rank', ['10042', '10043'])).toBe(
      '(project = APP) AND id in (10042, 10043) ORDER BY Rank',
    );
    expect(() => someIssuesJql('project = APP', ['10042', '1) OR (1=1'])).toThrow(RangeError);
    expect(() => someIssuesJql('project = APP', [])).toThrow(RangeError);
  });

  it('refuses a watermark that is not a date', () => {
    expect(() => pullJql('project = APP', 'yesterday', 'UTC')).toThrow(RangeError);
  });
});
