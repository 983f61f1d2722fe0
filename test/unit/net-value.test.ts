import { describe, expect, it } from 'vitest';
import type { MoneyInputs, ScoringSettings } from '../../src/domain/index.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { netValue } from '../../src/scoring/net-value.js';
import { rankItems } from '../../src/scoring/rank.js';

const defaults: ScoringSettings = DEFAULT_SCORING_SETTINGS;
const hours = (value: MoneyInputs['value'], cost: MoneyInputs['cost']): MoneyInputs => ({
  value,
  cost,
  costUnit: 'hours',
});

describe("the method's two examples", () => {
  const login = netValue(hours(5000, 40), defaults);
  const performance = netValue(hours(7000, 50), defaults);

  it('scores the login feature at $3,000', () => {
    expect(login).toMatchObject({ status: 'scored', costUsd: 2000, netValueUsd: 3000 });
    expect(login.explanation).toBe('$5,000/mo x 1 mo - 40 h x $50/h = $3,000');
  });

  it('scores the performance work at $4,500', () => {
    expect(performance).toMatchObject({ status: 'scored', costUsd: 2500, netValueUsd: 4500 });
    expect(performance.explanation).toBe('$7,000/mo x 1 mo - 50 h x $50/h = $4,500');
  });

  it('ranks the performance work above the login feature', () => {
    const ranked = rankItems([
      { trackerId: 'jira', key: 'APP-1', result: login },
      { trackerId: 'jira', key: 'APP-2', result: performance },
    ]);
    expect(ranked.map((r) => r.item.key)).toEqual(['APP-2', 'APP-1']);
  });
});

describe('netValue', () => {
  const cases: {
    rule: string;
    inputs: MoneyInputs;
    settings?: Partial<ScoringSettings>;
    expected: Record<string, unknown>;
  }[] = [
    {
      rule: 'cost in hours uses the hourly rate',
      inputs: hours(1000, 10),
      expected: { status: 'scored', costUsd: 500, netValueUsd: 500 },
    },
    {
      rule: 'cost in points uses hoursPerPoint x rate',
      inputs: { value: 1000, cost: 2, costUnit: 'points' },
      expected: {
        status: 'scored',
        costUsd: 800,
        netValueUsd: 200,
        explanation: '$1,000/mo x 1 mo - 2 pts x 8 h/pt x $50/h = $200',
      },
    },
    {
      rule: 'a per-issue hoursPerPoint overrides the setting',
      inputs: { value: 1000, cost: 2, costUnit: 'points', hoursPerPoint: 4 },
      expected: { costUsd: 400, netValueUsd: 600 },
    },
    {
      rule: 'cost in dollars is taken as is',
      inputs: { value: 1000, cost: 250.5, costUnit: 'usd' },
      expected: {
        costUsd: 250.5,
        netValueUsd: 749.5,
        explanation: '$1,000/mo x 1 mo - $250.50 = $749.50',
      },
    },
    {
      rule: 'the horizon multiplies the monthly value',
      inputs: hours(5000, 40),
      settings: { horizonMonths: 3 },
      expected: { netValueUsd: 13000, explanation: '$5,000/mo x 3 mo - 40 h x $50/h = $13,000' },
    },
    {
      rule: 'a fractional horizon is allowed',
      inputs: hours(1000, 0),
      settings: { horizonMonths: 0.5 },
      expected: { netValueUsd: 500 },
    },
    {
      rule: 'net value may be negative',
      inputs: hours(100, 10),
      expected: {
        status: 'scored',
        netValueUsd: -400,
        explanation: '$100/mo x 1 mo - 10 h x $50/h = -$400',
      },
    },
    {
      rule: 'money is rounded to cents only at the end',
      inputs: hours(0.004, 0),
      settings: { horizonMonths: 3 },
      expected: { netValueUsd: 0.01 },
    },
    {
      rule: 'rounding half a cent goes away from zero',
      inputs: { value: 1.005, cost: 0, costUnit: 'usd' },
      expected: { netValueUsd: 1.01 },
    },
    {
      rule: 'a missing Value leaves the issue unscored, naming it',
      inputs: hours(null, 10),
      expected: { status: 'unscored', netValueUsd: null, reason: 'Value is missing' },
    },
    {
      rule: 'a missing Cost leaves the issue unscored, naming it',
      inputs: hours(1000, null),
      expected: { status: 'unscored', reason: 'Cost is missing', valueUsdPerMonth: 1000 },
    },
    {
      rule: 'both missing are both named',
      inputs: hours(null, null),
      expected: { status: 'unscored', reason: 'Value and Cost are missing' },
    },
    {
      rule: 'missingInput zero counts a missing input as 0 and says so',
      inputs: hours(null, 10),
      settings: { missingInput: 'zero' },
      expected: {
        status: 'scored',
        netValueUsd: -500,
        explanation: '$0/mo (Value missing) x 1 mo - 10 h x $50/h = -$500',
      },
    },
    {
      rule: 'text is invalid, with the text in the reason',
      inputs: hours('$abc', 10),
      expected: { status: 'invalid', reason: "Value is not a usable number, got '$abc'" },
    },
    {
      rule: 'NaN is invalid',
      inputs: hours(1000, Number.NaN),
      expected: { status: 'invalid', reason: 'Cost is not a usable number, got NaN' },
    },
    {
      rule: 'Infinity is invalid',
      inputs: hours(Number.POSITIVE_INFINITY, 1),
      expected: { status: 'invalid', reason: 'Value is not a usable number, got Infinity' },
    },
    {
      rule: 'a negative Value is invalid',
      inputs: hours(-5, 1),
      expected: { status: 'invalid', reason: 'Value must not be negative, got -5' },
    },
    {
      rule: 'a negative Cost is invalid',
      inputs: hours(5, -1),
      expected: { status: 'invalid', reason: 'Cost must not be negative, got -1' },
    },
    {
      rule: 'invalid wins over missing, even with missingInput zero',
      inputs: hours(null, 'lots'),
      settings: { missingInput: 'zero' },
      expected: { status: 'invalid', reason: "Cost is not a usable number, got 'lots'" },
    },
  ];

  it.each(cases)('$rule', ({ inputs, settings, expected }) => {
    expect(netValue(inputs, { ...defaults, ...settings })).toMatchObject(expected);
  });
});
