import { describe, expect, it } from 'vitest';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import {
  inScope,
  toIssue,
  type LinearIssueRecord,
  type LinearLabelRecord,
  type MappingContext,
} from '../../connectors/linear/to-issue.js';

const VALUE = 'group-value';
const COST = 'group-cost';

function context(overrides: Partial<LinearTrackerConfig> = {}): MappingContext {
  const config = LinearTrackerConfig.parse({
    id: 'acme-linear',
    kind: 'linear',
    apiKey: 'key',
    teams: ['ENG', 'OPS'],
    ...overrides,
  });
  return {
    trackerId: config.id,
    config,
    valueGroupIds: new Set([VALUE]),
    costGroupIds: new Set([COST]),
  };
}

const label = (
  name: string,
  parentId: string | null = null,
  parentName: string | null = null,
): LinearLabelRecord => ({
  id: `l-${name}`,
  name,
  parentId,
  parentName,
});
const value = (name: string): LinearLabelRecord => label(name, VALUE, 'Value');
const cost = (name: string): LinearLabelRecord => label(name, COST, 'Cost');

function record(overrides: Partial<LinearIssueRecord> = {}): LinearIssueRecord {
  return {
    id: 'uuid-1',
    identifier: 'ENG-7',
    title: 'Optimize application performance',
    url: 'https://linear.app/acme/issue/ENG-7',
    updatedAt: '2026-11-01T10:00:00.000Z',
    estimate: 5,
    priority: 3,
    prioritySortOrder: -120.5,
    teamKey: 'ENG',
    stateType: 'backlog',
    labels: [label('Feature'), value('$5k')],
    note: null,
    ...overrides,
  };
}

describe('Linear issue -> Issue', () => {
  it('maps identity, labels, rank and what netvalue holds', () => {
    const issue = toIssue(
      record({ note: '$5,000/mo x 1 mo - ...' }),
      context({ writeBack: { prioritySortOrder: true, priority: true, attachment: true } }),
    );
    expect(issue).toMatchObject({
      trackerId: 'acme-linear',
      id: 'uuid-1',
      key: 'ENG-7',
      labels: ['Feature', 'Value/$5k'],
      rank: -120.5,
      pinned: false,
      current: { priority: 3, sortKey: -120.5, note: '$5,000/mo x 1 mo - ...' },
    });
  });

  it('leaves the note out of current unless attachment write-back is on', () => {
    expect(toIssue(record(), context()).current).toEqual({ priority: 3, sortKey: -120.5 });
  });

  it.each([
    ['one Value label', [value('$60k/yr')], 5000, 'label Value/$60k/yr'],
    ['no Value label', [label('Bug')], null, undefined],
    ['an unreadable Value label', [value('TBD')], 'TBD', 'label Value/TBD'],
    [
      'two Value labels',
      [value('$5k'), value('$7k')],
      '$5k and $7k (one label expected)',
      'label Value/$5k, Value/$7k',
    ],
    ['a same-named label outside the group', [label('$5k')], null, undefined],
  ])('value from %s', (_case, labels, expected, source) => {
    const { inputs } = toIssue(record({ labels }), context());
    expect(inputs.value).toEqual(expected);
    expect(inputs.valueSource).toEqual(source);
  });

  it('cost is the estimate in points, with the per-team hours per point when configured', () => {
    const ctx = context({
      cost: { from: 'estimate', hoursPerPoint: 6, hoursPerPointByTeam: { OPS: 4 } },
    });
    expect(toIssue(record(), ctx).inputs).toMatchObject({
      cost: 5,
      costUnit: 'points',
      hoursPerPoint: 6,
      costSource: 'estimate 5 pts',
    });
    expect(toIssue(record({ teamKey: 'OPS' }), ctx).inputs.hoursPerPoint).toBe(4);
  });

  it('leaves hoursPerPoint unset so the scoring default applies, and a missing estimate missing', () => {
    const { inputs } = toIssue(record({ estimate: null }), context());
    expect(inputs).toEqual({
      value: 5000,
      cost: null,
      costUnit: 'points',
      valueSource: 'label Value/$5k',
    });
    expect('hoursPerPoint' in inputs).toBe(false);
  });

  it.each([
    [[cost('40h')], 40],
    [[cost('4.5 h')], 4.5],
    [[cost('lots')], 'lots'],
    [[], null],
  ])('cost from the Cost label group: %j', (costLabels, expected) => {
    const ctx = context({ cost: { from: 'labels', labelGroup: 'Cost' } });
    const { inputs } = toIssue(record({ labels: [value('$5k'), ...costLabels] }), ctx);
    expect(inputs.cost).toEqual(expected);
    expect(inputs.costUnit).toBe('hours');
  });

  it('is pinned by the pin label, whatever its case', () => {
    expect(toIssue(record({ labels: [label('NetValue-Pin')] }), context()).pinned).toBe(true);
    expect(toIssue(record({ labels: [label('keep')] }), context({ pinLabel: 'keep' })).pinned).toBe(
      true,
    );
  });

  it('scope: configured teams, open states unless includeCompleted', () => {
    expect(inScope(record(), context().config)).toBe(true);
    expect(inScope(record({ teamKey: 'DES' }), context().config)).toBe(false);
    expect(inScope(record({ stateType: 'completed' }), context().config)).toBe(false);
    expect(
      inScope(record({ stateType: 'canceled' }), context({ includeCompleted: true }).config),
    ).toBe(true);
  });
});

describe('Linear range and impact labels', () => {
  it.each([
    [[value('$4k-$7k')], { value: null, valueLow: 4000, valueHigh: 7000 }],
    [[value('$48k-$84k/yr')], { value: null, valueLow: 4000, valueHigh: 7000 }],
    [[value('+5% signups')], { value: null, valueImpact: '+5% signups' }],
    [[value('$5k')], { value: 5000 }],
  ])('Value %j', (labels, inputs) => {
    const issue = toIssue(record({ labels }), context());
    expect(issue.inputs).toMatchObject({ ...inputs, cost: 5, costUnit: 'points' });
  });

  it('a point Value label sets no range', () => {
    const { inputs } = toIssue(record(), context());
    expect(inputs).not.toHaveProperty('valueLow');
    expect(inputs).not.toHaveProperty('valueImpact');
  });

  it('a Cost label may name a range of hours; the estimate stays a point', () => {
    const fromLabels = toIssue(
      record({ labels: [value('$5k'), cost('20-40h')] }),
      context({ cost: { from: 'labels', labelGroup: 'Cost' } }),
    );
    expect(fromLabels.inputs).toMatchObject({
      cost: null,
      costLow: 20,
      costHigh: 40,
      costUnit: 'hours',
      costSource: 'label Cost/20-40h',
    });
    const fromEstimate = toIssue(record({ labels: [value('$5k'), cost('20-40h')] }), context());
    expect(fromEstimate.inputs).not.toHaveProperty('costLow');
  });
});
