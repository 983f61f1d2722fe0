/** Linear work types (README "Backlog reviews"): label names, then label groups; overrides win. */
import { describe, expect, it } from 'vitest';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { toIssue, type LinearIssueRecord } from '../../connectors/linear/to-issue.js';
import { LinearWorkTypeConfig, linearWorkType } from '../../connectors/linear/work-type.js';

type Label = { name: string; parentName: string | null };
const plain = (name: string): Label => ({ name, parentName: null });
const grouped = (group: string, name: string): Label => ({ name, parentName: group });
const rules = (input: unknown) => LinearWorkTypeConfig.parse(input);

describe('linear work type', () => {
  it.each([
    [
      'a Tech debt label is technical (case and spaces aside)',
      [plain('Tech debt')],
      {},
      'technical',
      'label Tech debt',
    ],
    ['a Security label is technical', [plain('Security')], {}, 'technical', 'label Security'],
    ['a Bug label is product', [plain('Bug')], {}, 'product', 'label Bug'],
    ['a Feature label is product', [plain('Feature')], {}, 'product', 'label Feature'],
    [
      'a label inside a group counts by its name',
      [grouped('Type', 'Feature')],
      {},
      'product',
      'label Type/Feature',
    ],
    [
      'money labels say nothing',
      [grouped('Value', '$5k'), grouped('Cost', '40h')],
      {},
      'unclassified',
      'no workType rule matched',
    ],
    ['no labels is unclassified', [], {}, 'unclassified', 'no workType rule matched'],
    [
      'a technical label group',
      [grouped('Engineering', 'Node 22')],
      { technical: { labelGroups: ['Engineering'] } },
      'technical',
      'label group Engineering/Node 22',
    ],
    [
      'a product label group',
      [grouped('Customers', 'Acme')],
      { product: { labelGroups: ['customers'] } },
      'product',
      'label group Customers/Acme',
    ],
    [
      'label names beat label groups',
      [grouped('Engineering', 'Bug')],
      { technical: { labelGroups: ['Engineering'] } },
      'product',
      'label Engineering/Bug',
    ],
    [
      'technical labels before product labels',
      [plain('Feature'), plain('Performance')],
      {},
      'technical',
      'label Performance',
    ],
    [
      'an override beats every rule',
      [plain('Tech debt')],
      { overrides: { 'ENG-7': 'product' } },
      'product',
      'override ENG-7',
    ],
    [
      'a configured list replaces the default',
      [plain('Bug')],
      { product: { labels: ['Customer'] } },
      'unclassified',
      'no workType rule matched',
    ],
  ] as const)('%s', (_name, labels, config, type, rule) => {
    expect(linearWorkType({ key: 'ENG-7', labels }, rules(config))).toEqual({ type, rule });
  });

  it('classifies a pulled issue with the tracker rules', () => {
    const config = LinearTrackerConfig.parse({
      id: 'acme-linear',
      kind: 'linear',
      apiKey: 'key',
      teams: ['ENG'],
      workType: { technical: { labelGroups: ['Platform'] } },
    });
    const record: LinearIssueRecord = {
      id: 'uuid-1',
      identifier: 'ENG-3',
      title: 'Move to Node 22',
      url: 'https://linear.app/acme/issue/ENG-3',
      updatedAt: '2026-03-02T15:15:00.000Z',
      estimate: 3,
      priority: 0,
      prioritySortOrder: 1,
      teamKey: 'ENG',
      stateType: 'backlog',
      labels: [{ id: 'l1', name: 'Runtime', parentId: 'g1', parentName: 'Platform' }],
    };
    const ctx = {
      trackerId: 'acme-linear',
      config,
      valueGroupIds: new Set<string>(),
      costGroupIds: new Set<string>(),
    };
    expect(toIssue(record, ctx).workType).toEqual({
      type: 'technical',
      rule: 'label group Platform/Runtime',
    });
  });

  it('refuses an override that is neither technical nor product, naming the field', () => {
    const result = LinearTrackerConfig.safeParse({
      id: 'acme-linear',
      kind: 'linear',
      apiKey: 'key',
      teams: ['ENG'],
      workType: { overrides: { 'ENG-1': 'ops' } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['workType', 'overrides', 'ENG-1']);
  });
});
