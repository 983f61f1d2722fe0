import { describe, expect, it } from 'vitest';
import type { JiraFields } from '../../connectors/jira/fields.js';
import {
  issueFieldIds,
  readInput,
  RawIssue,
  toIssue,
  type IssueMapping,
} from '../../connectors/jira/to-issue.js';

const field = (id: string, name: string) => ({ id, name, configured: name });
const fields: JiraFields = {
  value: field('customfield_10042', 'Value ($/month)'),
  cost: field('customfield_10043', 'Cost (hours)'),
  netValue: field('customfield_10050', 'Net value'),
  rankPosition: field('customfield_10051', 'Net value rank'),
  rank: { ...field('customfield_10019', 'Rank'), customId: 10019 },
};
const mapping: IssueMapping = {
  trackerId: 'acme-jira',
  baseUrl: 'https://acme.atlassian.net/',
  fields,
  costUnit: 'hours',
  pinLabel: 'netvalue-pin',
};

// Shape of a POST /rest/api/3/search/jql issue (Atlassian's OpenAPI example, trimmed to our fields).
const raw = RawIssue.parse({
  expand: '',
  id: '10068',
  self: 'https://acme.atlassian.net/rest/api/3/issue/10068',
  key: 'APP-12',
  fields: {
    summary: 'Optimize application performance',
    issuetype: { id: '10001', name: 'Task', subtask: false },
    labels: ['tech-debt', 'netvalue-pin'],
    updated: '2026-03-02T10:15:00.000-0500',
    customfield_10042: 7000,
    customfield_10043: 50,
    customfield_10050: 4500,
    customfield_10051: null,
    customfield_10019: '0|i0003r:',
  },
});

describe('jira issue mapping', () => {
  it('maps every part of the Issue', () => {
    expect(toIssue(raw, mapping)).toEqual({
      trackerId: 'acme-jira',
      id: '10068',
      key: 'APP-12',
      title: 'Optimize application performance',
      url: 'https://acme.atlassian.net/browse/APP-12',
      issueType: 'Task',
      labels: ['tech-debt', 'netvalue-pin'],
      updatedAt: '2026-03-02T15:15:00.000Z',
      inputs: {
        value: 7000,
        cost: 50,
        costUnit: 'hours',
        valueSource: 'field Value ($/month)',
        costSource: 'field Cost (hours)',
      },
      current: { netValueUsd: 4500, rankPosition: null },
      rank: '0|i0003r:',
      pinned: true,
      workType: { type: 'technical', rule: 'label tech-debt' },
    });
  });

  it.each([
    [null, null],
    [undefined, null],
    ['', null],
    [12.5, 12.5],
    ['5k', '5k'],
    [{ value: 'High', id: '1' }, 'High'],
    [[1, 2], '[1,2]'],
  ])('reads input %j as %j', (value, expected) => {
    expect(readInput(value)).toEqual(expected);
  });

  it('leaves rankPosition out when it is not configured, and rank null when absent', () => {
    const issue = toIssue(
      RawIssue.parse({
        id: '1',
        key: 'APP-1',
        fields: { updated: '2026-03-02T10:15:00.000+0000' },
      }),
      { ...mapping, fields: { ...fields, rankPosition: null, rank: null } },
    );
    expect(issue.current).toEqual({ netValueUsd: null });
    expect(issue).toMatchObject({ rank: null, pinned: false, labels: [], title: '' });
  });

  it('asks search for exactly the mapped fields', () => {
    expect(issueFieldIds(fields)).toEqual([
      'summary',
      'issuetype',
      'labels',
      'updated',
      'customfield_10042',
      'customfield_10043',
      'customfield_10050',
      'customfield_10051',
      'customfield_10019',
    ]);
  });

  it('refuses an issue without a readable updated time', () => {
    expect(() => toIssue(RawIssue.parse({ id: '1', key: 'APP-1', fields: {} }), mapping)).toThrow(
      /updated/,
    );
  });
});

describe('jira range, impact and risk fields', () => {
  const ranged: JiraFields = {
    ...fields,
    valueLow: field('customfield_10044', 'Value low ($/month)'),
    valueHigh: field('customfield_10045', 'Value high ($/month)'),
    costLow: field('customfield_10046', 'Cost low (hours)'),
    costHigh: field('customfield_10047', 'Cost high (hours)'),
    valueImpact: field('customfield_10048', 'Value impact'),
    netValueLow: field('customfield_10052', 'Net value P10'),
    netValueHigh: field('customfield_10053', 'Net value P90'),
    confidence: field('customfield_10054', 'Net value confidence (%)'),
  };
  const rawRanged = (extra: Record<string, unknown>) =>
    RawIssue.parse({
      id: '1',
      key: 'APP-1',
      fields: { updated: '2026-03-02T10:15:00.000+0000', ...extra },
    });

  it('reads the range inputs, the impact text and the written risk figures', () => {
    const issue = toIssue(
      rawRanged({
        customfield_10042: 5000,
        customfield_10043: 40,
        customfield_10044: 4000,
        customfield_10045: 7000,
        customfield_10046: 30,
        customfield_10047: null,
        customfield_10048: '  ',
        customfield_10050: 3083.33,
        customfield_10052: 2366.92,
        customfield_10053: 3799.74,
        customfield_10054: 100,
      }),
      { ...mapping, fields: ranged },
    );
    expect(issue.inputs).toMatchObject({
      value: 5000,
      valueLow: 4000,
      valueHigh: 7000,
      cost: 40,
      costLow: 30,
      costHigh: null,
      valueImpact: null,
    });
    expect(issue.current).toEqual({
      netValueUsd: 3083.33,
      rankPosition: null,
      netValueLowUsd: 2366.92,
      netValueHighUsd: 3799.74,
      confidencePct: 100,
    });
  });

  it('keeps an impact as text (a number typed into it too, which the model then refuses)', () => {
    const impact = (v: unknown) =>
      toIssue(rawRanged({ customfield_10048: v }), { ...mapping, fields: ranged }).inputs
        .valueImpact;
    expect(impact('+5% signups')).toBe('+5% signups');
    expect(impact(5)).toBe('5');
    expect(impact(null)).toBeNull();
  });

  it('asks search for the configured range and risk fields too', () => {
    expect(issueFieldIds(ranged).slice(9)).toEqual([
      'customfield_10044',
      'customfield_10045',
      'customfield_10046',
      'customfield_10047',
      'customfield_10048',
      'customfield_10052',
      'customfield_10053',
      'customfield_10054',
    ]);
  });
});
