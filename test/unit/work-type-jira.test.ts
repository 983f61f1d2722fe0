/** Jira work types (README "Backlog reviews"): labels first, then issue types; overrides win. */
import { describe, expect, it } from 'vitest';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { RawIssue, toIssue } from '../../connectors/jira/to-issue.js';
import {
  DEFAULT_JIRA_WORK_TYPE,
  JiraWorkTypeConfig,
  jiraWorkType,
} from '../../connectors/jira/work-type.js';

const rules = (input: unknown) => JiraWorkTypeConfig.parse(input);

describe('jira work type', () => {
  it.each([
    ['a tech-debt label is technical', 'Task', ['tech-debt'], {}, 'technical', 'label tech-debt'],
    ['performance is technical', 'Task', ['performance'], {}, 'technical', 'label performance'],
    ['upgrade is technical', 'Task', ['upgrade'], {}, 'technical', 'label upgrade'],
    ['security is technical', 'Task', ['security'], {}, 'technical', 'label security'],
    [
      'infrastructure is technical',
      'Task',
      ['infrastructure'],
      {},
      'technical',
      'label infrastructure',
    ],
    ['refactor is technical', 'Task', ['refactor'], {}, 'technical', 'label refactor'],
    ['a Story is product', 'Story', [], {}, 'product', 'issue type Story'],
    ['a Bug is product', 'Bug', ['customer'], {}, 'product', 'issue type Bug'],
    ['a Feature is product', 'Feature', [], {}, 'product', 'issue type Feature'],
    ['labels beat the issue type', 'Bug', ['performance'], {}, 'technical', 'label performance'],
    [
      'labels match whatever their case and separators',
      'Task',
      ['Tech_Debt'],
      {},
      'technical',
      'label Tech_Debt',
    ],
    [
      'a Task without labels is unclassified',
      'Task',
      [],
      {},
      'unclassified',
      'no workType rule matched',
    ],
    [
      'no issue type and no label is unclassified',
      undefined,
      [],
      {},
      'unclassified',
      'no workType rule matched',
    ],
    [
      'an override beats every rule',
      'Story',
      ['tech-debt'],
      { overrides: { 'APP-1': 'product' } },
      'product',
      'override APP-1',
    ],
    [
      'an override names one issue only',
      'Task',
      [],
      { overrides: { 'APP-2': 'technical' } },
      'unclassified',
      'no workType rule matched',
    ],
    [
      'a configured label list replaces the default',
      'Task',
      ['tech-debt'],
      { technical: { labels: ['debt'] } },
      'unclassified',
      'no workType rule matched',
    ],
    [
      'configured technical issue types',
      'Task',
      [],
      { technical: { issueTypes: ['Task'] } },
      'technical',
      'issue type Task',
    ],
    [
      'configured product labels',
      'Task',
      ['customer'],
      { product: { labels: ['customer'] } },
      'product',
      'label customer',
    ],
    [
      'product issue types replaced: Bug no longer product',
      'Bug',
      [],
      { product: { issueTypes: ['Story'] } },
      'unclassified',
      'no workType rule matched',
    ],
    [
      'technical labels are checked before product labels',
      'Story',
      ['customer', 'security'],
      { product: { labels: ['customer'] } },
      'technical',
      'label security',
    ],
  ] as const)('%s', (_name, issueType, labels, config, type, rule) => {
    const workType = jiraWorkType({ key: 'APP-1', issueType, labels }, rules(config));
    expect(workType).toEqual({ type, rule });
  });

  it('fills the defaults when a tracker has no workType key', () => {
    expect(DEFAULT_JIRA_WORK_TYPE).toEqual({
      technical: {
        labels: ['tech-debt', 'performance', 'upgrade', 'security', 'infrastructure', 'refactor'],
        issueTypes: [],
      },
      product: { labels: [], issueTypes: ['Bug', 'Story', 'Feature'] },
      overrides: {},
    });
  });

  it('refuses an override that is neither technical nor product, naming the field', () => {
    const result = JiraTrackerConfig.safeParse({
      id: 'acme-jira',
      kind: 'jira',
      baseUrl: 'https://acme.atlassian.net',
      email: 'a@b.c',
      apiToken: 'token',
      jql: 'project = APP',
      fields: { value: 'V', cost: 'C', netValue: 'N' },
      workType: { overrides: { 'APP-1': 'debt' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['workType', 'overrides', 'APP-1']);
  });

  it('refuses an unknown key under workType', () => {
    const result = JiraWorkTypeConfig.safeParse({ technical: { label: ['x'] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['technical']);
  });

  it('classifies a pulled issue with the tracker rules', () => {
    const raw = RawIssue.parse({
      id: '10068',
      key: 'APP-12',
      fields: {
        issuetype: { name: 'Bug' },
        labels: ['customer'],
        updated: '2026-03-02T10:15:00.000-0500',
      },
    });
    const field = (id: string) => ({ id, name: id, configured: id });
    const mapping = {
      trackerId: 'acme-jira',
      baseUrl: 'https://acme.atlassian.net',
      fields: {
        value: field('v'),
        cost: field('c'),
        netValue: field('n'),
        rankPosition: null,
        rank: null,
      },
      costUnit: 'hours' as const,
      pinLabel: 'netvalue-pin',
    };
    expect(toIssue(raw, mapping).workType).toEqual({ type: 'product', rule: 'issue type Bug' });
    const technicalBugs = rules({
      technical: { issueTypes: ['Bug'] },
      product: { issueTypes: [] },
    });
    expect(toIssue(raw, { ...mapping, workType: technicalBugs }).workType).toEqual({
      type: 'technical',
      rule: 'issue type Bug',
    });
  });
});
