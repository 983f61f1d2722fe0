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

const ranged = (inputs: Partial<MoneyInputs>): MoneyInputs => ({
  value: null,
  cost: null,
  costUnit: 'hours',
  ...inputs,
});
const METRICS: ScoringSettings['metrics'] = {
  signups: { name: 'sign-up revenue', baselineUsdPerMonth: 100_000 },
};

describe('three-point ranges (PERT, normal approximation)', () => {
  const cases: {
    rule: string;
    inputs: MoneyInputs;
    settings?: Partial<ScoringSettings>;
    expected: Record<string, unknown>;
  }[] = [
    {
      // mean Value (4,000 + 20,000 + 7,000) / 6 = 5,166.67, sd 500; mean Cost 41.67 h = 2,083.33,
      // sd 5 h = $250; sdNet = sqrt(500^2 + 250^2) = 559.02; 1.2815516 x 559.02 = 716.41.
      rule: "the issue's example: ranges on both inputs",
      inputs: ranged({
        value: 5000,
        valueLow: 4000,
        valueHigh: 7000,
        cost: 40,
        costLow: 30,
        costHigh: 60,
      }),
      expected: {
        status: 'scored',
        valueUsdPerMonth: 5166.67,
        costUsd: 2083.33,
        netValueUsd: 3083.33,
        netValueLowUsd: 2366.92,
        netValueHighUsd: 3799.74,
        confidencePct: 100,
        cd3: 124,
        explanation:
          '$4,000-$5,000-$7,000/mo x 1 mo - 30-40-60 h x $50/h = $3,083 expected (P10 $2,367, P90 $3,800; 100% chance above $0)',
      },
    },
    {
      // Most likely = (4,000 + 6,000) / 2 = 5,000 = mean; sd 333.33; 1.2815516 x 333.33 = 427.18.
      rule: 'only low and high: the most likely amount is their midpoint',
      inputs: ranged({ valueLow: 4000, valueHigh: 6000, cost: 40 }),
      expected: {
        valueUsdPerMonth: 5000,
        netValueUsd: 3000,
        netValueLowUsd: 2572.82,
        netValueHighUsd: 3427.18,
        explanation:
          '$4,000-$5,000-$6,000/mo x 1 mo - 40 h x $50/h = $3,000 expected (P10 $2,573, P90 $3,427; 100% chance above $0)',
      },
    },
    {
      rule: 'a missing bound is the most likely amount',
      // Value 5,000-5,000-8,000: mean 5,500, sd 500.
      inputs: ranged({ value: 5000, valueHigh: 8000, cost: 40 }),
      expected: { valueUsdPerMonth: 5500, netValueUsd: 3500, netValueLowUsd: 2859.22 },
    },
    {
      rule: 'sdNet = 0 (bounds equal to the amount) is a point: P10 = P90 = net, 100%',
      inputs: ranged({ value: 5000, valueLow: 5000, valueHigh: 5000, cost: 40 }),
      expected: {
        netValueUsd: 3000,
        netValueLowUsd: 3000,
        netValueHighUsd: 3000,
        confidencePct: 100,
        explanation: '$5,000/mo x 1 mo - 40 h x $50/h = $3,000',
      },
    },
    {
      rule: 'sdNet = 0 and a net value below $0: 0% chance above $0',
      inputs: hours(100, 10),
      expected: {
        netValueUsd: -400,
        netValueLowUsd: -400,
        netValueHighUsd: -400,
        confidencePct: 0,
      },
    },
    {
      rule: 'sdNet = 0 and a net value of exactly $0: 0% chance above $0',
      inputs: hours(500, 10),
      expected: { netValueUsd: 0, confidencePct: 0 },
    },
    {
      // mean 1,333.33, sd 666.67; Cost 1,250; expected 83.33; Phi(0.125) = 0.5497.
      rule: 'a wide range around a small net value gives a middling confidence',
      inputs: ranged({ value: 1000, valueLow: 0, valueHigh: 4000, cost: 25 }),
      expected: {
        netValueUsd: 83.33,
        netValueLowUsd: -771.03,
        netValueHighUsd: 937.7,
        confidencePct: 55,
      },
    },
    {
      // Points 2-3-5: mean 19/6 = 3.1667 pts x 8 h x $50 = 1,266.67; sd 0.5 pt = $200.
      rule: 'a Cost range in points uses hoursPerPoint x rate',
      inputs: { value: 5000, cost: 3, costLow: 2, costHigh: 5, costUnit: 'points' },
      expected: {
        costUsd: 1266.67,
        netValueUsd: 3733.33,
        netValueLowUsd: 3477.02,
        netValueHighUsd: 3989.64,
        cd3: 197.37,
        explanation:
          '$5,000/mo x 1 mo - 2-3-5 pts x 8 h/pt x $50/h = $3,733 expected (P10 $3,477, P90 $3,990; 100% chance above $0)',
      },
    },
    {
      rule: 'the horizon multiplies the Value spread too',
      // 3 x sd 333.33 = 1,000; 1.2815516 x 1,000 = 1,281.55.
      inputs: ranged({ valueLow: 4000, valueHigh: 6000, cost: 40 }),
      settings: { horizonMonths: 3 },
      expected: { netValueUsd: 13000, netValueLowUsd: 11718.45, netValueHighUsd: 14281.55 },
    },
    {
      rule: 'huge amounts keep their cents',
      // mean 1e12, sd 2e12 / 6; 1.2815516 x 333,333,333,333.33 = 427,183,866,666.67.
      inputs: ranged({ value: 1e12, valueLow: 0, valueHigh: 2e12, cost: 0 }),
      expected: {
        netValueUsd: 1e12,
        netValueLowUsd: 572816133333.33,
        netValueHighUsd: 1427183866666.67,
        confidencePct: 100,
        cd3: null,
      },
    },
    {
      rule: 'tiny amounts round to cents at the end',
      // mean 0.01, sd 0.0033; P10 0.0057 -> 0.01, P90 0.0143 -> 0.01; Phi(3) = 0.9987.
      inputs: { value: 0.01, valueLow: 0, valueHigh: 0.02, cost: 0, costUnit: 'usd' },
      expected: {
        netValueUsd: 0.01,
        netValueLowUsd: 0.01,
        netValueHighUsd: 0.01,
        confidencePct: 100,
      },
    },
    {
      rule: 'low above the most likely amount is invalid, naming the input',
      inputs: ranged({ value: 5000, valueLow: 6000, cost: 40 }),
      expected: {
        status: 'invalid',
        netValueUsd: null,
        netValueLowUsd: null,
        confidencePct: null,
        reason: 'Value low (6000) is above Value (5000)',
      },
    },
    {
      rule: 'the most likely amount above high is invalid, naming the input',
      inputs: ranged({ value: 5000, cost: 40, costHigh: 30 }),
      expected: { status: 'invalid', reason: 'Cost (40) is above Cost high (30)' },
    },
    {
      rule: 'low above high without a most likely amount is invalid',
      inputs: ranged({ valueLow: 7000, valueHigh: 4000, cost: 40 }),
      expected: { status: 'invalid', reason: 'Value low (7000) is above Value high (4000)' },
    },
    {
      rule: 'one bound alone is invalid: there is no amount to read',
      inputs: ranged({ valueLow: 4000, cost: 40 }),
      expected: {
        status: 'invalid',
        reason:
          'Value low is set without Value or Value high: set the most likely amount or both bounds',
      },
    },
    {
      rule: 'an unreadable bound is invalid, naming it',
      inputs: ranged({ value: 5000, valueHigh: 'lots', cost: 40 }),
      expected: { status: 'invalid', reason: "Value high is not a usable number, got 'lots'" },
    },
    {
      rule: 'a range with a missing Cost is still unscored',
      inputs: ranged({ valueLow: 4000, valueHigh: 6000 }),
      expected: { status: 'unscored', reason: 'Cost is missing', valueUsdPerMonth: 5000 },
    },
    {
      rule: 'CD3 is mean Value per mean Cost hour; $ costs convert at the hourly rate',
      inputs: { value: 5000, cost: 1000, costUnit: 'usd' },
      expected: { cd3: 250 },
    },
    {
      rule: 'CD3 is not computable for $ costs at a $0 rate',
      inputs: { value: 5000, cost: 1000, costUnit: 'usd' },
      settings: { hourlyRateUsd: 0 },
      expected: { cd3: null },
    },
  ];

  it.each(cases)('$rule', ({ inputs, settings, expected }) => {
    expect(netValue(inputs, { ...defaults, ...settings })).toMatchObject(expected);
  });
});

describe('Value from a business-metric impact', () => {
  const cases: {
    rule: string;
    inputs: MoneyInputs;
    expected: Record<string, unknown>;
  }[] = [
    {
      rule: "the method's login example as an impact: +5% of $100,000/mo",
      inputs: ranged({ valueImpact: '+5% signups', cost: 40 }),
      expected: {
        valueUsdPerMonth: 5000,
        netValueUsd: 3000,
        netValueLowUsd: 3000,
        explanation:
          '+5% of $100,000/mo sign-up revenue = $5,000/mo; $5,000/mo x 1 mo - 40 h x $50/h = $3,000',
      },
    },
    {
      // 3,000-5,500-8,000: mean 5,500, sd 833.33; 1.2815516 x 833.33 = 1,067.96.
      rule: 'a range of impacts is a three-point estimate with the midpoint most likely',
      inputs: ranged({ valueImpact: '+3-8% signups', cost: 40 }),
      expected: {
        valueUsdPerMonth: 5500,
        netValueUsd: 3500,
        netValueLowUsd: 2432.04,
        netValueHighUsd: 4567.96,
        explanation:
          '+3-8% of $100,000/mo sign-up revenue = $3,000-$5,500-$8,000/mo; $3,000-$5,500-$8,000/mo x 1 mo - 40 h x $50/h = $3,500 expected (P10 $2,432, P90 $4,568; 100% chance above $0)',
      },
    },
    {
      rule: 'the metric matches by id without case or dashes',
      inputs: ranged({ valueImpact: '+5 % of Sign-Ups', cost: 40 }),
      expected: { netValueUsd: 3000 },
    },
    {
      rule: 'an unknown metric is invalid, naming it and the defined ones',
      inputs: ranged({ valueImpact: '+5% churn', cost: 40 }),
      expected: {
        status: 'invalid',
        reason:
          "Value impact '+5% churn' names metric 'churn', which scoring.metrics does not define (defined: signups)",
      },
    },
    {
      rule: 'a malformed impact is invalid, with an example',
      inputs: ranged({ valueImpact: 'lots of signups', cost: 40 }),
      expected: {
        status: 'invalid',
        reason:
          "Value impact 'lots of signups' is not readable; write it like '+5% signups' or '+3-8% signups'",
      },
    },
    {
      rule: 'a negative impact is invalid',
      inputs: ranged({ valueImpact: '-5% signups', cost: 40 }),
      expected: { status: 'invalid', reason: expect.stringContaining('must not be negative') },
    },
    {
      rule: 'a Value given both ways is invalid',
      inputs: ranged({ value: 5000, valueImpact: '+5% signups', cost: 40 }),
      expected: {
        status: 'invalid',
        reason:
          "Value is given both as an amount (Value 5000) and as an impact ('+5% signups'): keep one",
      },
    },
    {
      rule: 'an empty impact text is no impact',
      inputs: ranged({ value: 5000, valueImpact: ' ', cost: 40 }),
      expected: { netValueUsd: 3000 },
    },
  ];

  it.each(cases)('$rule', ({ inputs, expected }) => {
    expect(netValue(inputs, { ...defaults, metrics: METRICS })).toMatchObject(expected);
  });

  it('with no metrics configured, every impact names an unknown metric', () => {
    const result = netValue(ranged({ valueImpact: '+5% signups', cost: 40 }), defaults);
    expect(result.reason).toContain('(defined: none)');
  });
});

describe('the explanation names a non-default order', () => {
  it.each([
    [
      { order: 'cd3' as const },
      '$5,000/mo x 1 mo - 40 h x $50/h = $3,000; CD3 order (CD3 $125/mo per h)',
    ],
    [{ rankBy: 'p10' as const }, '$5,000/mo x 1 mo - 40 h x $50/h = $3,000; ranked by P10'],
    [
      { order: 'netValue' as const, rankBy: 'expected' as const },
      '$5,000/mo x 1 mo - 40 h x $50/h = $3,000',
    ],
  ])('%j', (settings, explanation) => {
    expect(netValue(hours(5000, 40), { ...defaults, ...settings }).explanation).toBe(explanation);
  });
});
