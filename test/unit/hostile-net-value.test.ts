/**
 * Non-finite and absurd results (issue 15, finding 6): a Cost of `1e307` h gave a net value of
 * -Infinity, ranked first and written as `null`. Any input that makes an amount non-finite or
 * beyond the bound (src/scoring/bounds.ts, $1e13) makes the issue `invalid`, naming the input;
 * whatever the inputs, the model never throws and never returns a number it could not write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MoneyInputs, NetValue, ScoringSettings } from '../../src/domain/index.js';
import { MAX_ABS_USD } from '../../src/scoring/bounds.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { netValue } from '../../src/scoring/net-value.js';
import { rankItems } from '../../src/scoring/rank.js';

const defaults: ScoringSettings = DEFAULT_SCORING_SETTINGS;
const hours = (value: MoneyInputs['value'], cost: MoneyInputs['cost']): MoneyInputs => ({
  value,
  cost,
  costUnit: 'hours',
});
const BOUND = '$10,000,000,000,000';

describe('amounts beyond the bound are invalid, naming the input', () => {
  const cases: {
    rule: string;
    inputs: MoneyInputs;
    settings?: Partial<ScoringSettings>;
    reason: string;
  }[] = [
    {
      rule: 'the audit case: Cost 1e307 h (-Infinity before)',
      inputs: hours(5000, 1e307),
      reason: `Cost 1e+307 h x $50/h comes to more than ${BOUND}, the bound on any amount`,
    },
    {
      rule: 'a Cost that is finite in hours but not in dollars',
      inputs: hours(5000, 1e306),
      reason: `Cost 1e+306 h x $50/h comes to more than ${BOUND}`,
    },
    {
      rule: 'a Cost in points beyond the bound',
      inputs: { value: 5000, cost: 1e12, costUnit: 'points' },
      reason: `Cost 1000000000000 pts x 8 h/pt x $50/h comes to more than ${BOUND}`,
    },
    {
      rule: 'a Value beyond the bound',
      inputs: hours(2e13, 40),
      reason: `Value $20,000,000,000,000/mo is beyond ${BOUND}/mo, the bound on any amount`,
    },
    {
      rule: 'a huge Value is printed compactly',
      inputs: hours(1e300, 40),
      reason: `Value $1e+300/mo is beyond ${BOUND}/mo`,
    },
    {
      rule: 'a range bound beyond the bound names the range',
      inputs: { value: 5000, valueLow: 1000, valueHigh: 1e300, cost: 40, costUnit: 'hours' },
      reason: `Value $1,000-$5,000-$1e+300/mo is beyond ${BOUND}/mo`,
    },
    {
      rule: 'an out-of-bound Cost wins over a missing Value (invalid before unscored)',
      inputs: hours(null, 1e307),
      reason: `Cost 1e+307 h x $50/h comes to more than ${BOUND}`,
    },
    {
      rule: 'inputs within the bound that multiply past it: the horizon',
      inputs: hours(1e13, 1),
      settings: { horizonMonths: 12 },
      reason: `the net value of $10,000,000,000,000/mo x 12 mo - 1 h x $50/h is beyond +/-${BOUND}, the bound on any amount`,
    },
    {
      rule: 'inputs within the bound that multiply past it: a huge hourly rate',
      inputs: hours(5000, 40),
      settings: { hourlyRateUsd: 1e12 },
      reason: `Cost 40 h x $1,000,000,000,000/h comes to more than ${BOUND}`,
    },
    {
      rule: 'a value impact beyond the bound',
      inputs: { value: null, valueImpact: '+99999999999999% signups', cost: 40, costUnit: 'hours' },
      settings: { metrics: { signups: { name: 'sign-ups', baselineUsdPerMonth: 1e6 } } },
      reason: `Value impact '+99999999999999% signups' ($999999999999990000/mo) is beyond ${BOUND}/mo`,
    },
  ];

  it.each(cases)('$rule', ({ inputs, settings, reason }) => {
    const result = netValue(inputs, { ...defaults, ...settings });
    expect(result).toMatchObject({
      status: 'invalid',
      netValueUsd: null,
      netValueLowUsd: null,
      netValueHighUsd: null,
      confidencePct: null,
      cd3: null,
    });
    expect(result.reason).toContain(reason);
    expect(result.explanation).toBe(`invalid: ${result.reason}`);
  });

  it('amounts at the bound still score, to the cent', () => {
    expect(netValue(hours(MAX_ABS_USD, 0), defaults)).toMatchObject({
      status: 'scored',
      netValueUsd: 1e13,
    });
    expect(netValue({ value: 0, cost: MAX_ABS_USD, costUnit: 'usd' }, defaults)).toMatchObject({
      status: 'scored',
      netValueUsd: -1e13,
    });
    expect(netValue(hours(9_999_999_999.99, 0), defaults).netValueUsd).toBe(9_999_999_999.99);
  });

  it('a Cost so small that CD3 leaves the bound counts as 0 hours (no CD3): still scored', () => {
    expect(netValue(hours(5000, 1e-300), defaults)).toMatchObject({
      status: 'scored',
      netValueUsd: 5000,
      cd3: null,
    });
  });

  it('an invalid issue ranks last, never first (it ranked first at -Infinity before)', () => {
    const ranked = rankItems([
      { trackerId: 'jira', key: 'APP-1', result: netValue(hours(5000, 1e307), defaults) },
      { trackerId: 'jira', key: 'APP-2', result: netValue(hours(100, 40), defaults) },
    ]);
    expect(ranked.map((r) => r.item.key)).toEqual(['APP-2', 'APP-1']);
  });
});

/** Anything a tracker field, a label or a bad config could hand the model. */
const anyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    1e307,
    Number('1e309'),
    -1e307,
    5e-324,
    -0,
    0,
    1e13,
    1e13 + 1,
  ),
  fc.integer(),
);
const rawInput = fc.oneof(
  anyNumber,
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('1e309', 'NaN', '-5', '$5k', ''),
);
const inputs = fc.record(
  {
    value: rawInput,
    cost: rawInput,
    valueLow: rawInput,
    valueHigh: rawInput,
    costLow: rawInput,
    costHigh: rawInput,
    costUnit: fc.constantFrom<MoneyInputs['costUnit']>('hours', 'points', 'usd'),
    hoursPerPoint: fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
    valueImpact: fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('+5% signups', '+1e400% signups', '+99999999999999999% signups'),
    ),
  },
  { requiredKeys: ['costUnit'] },
) as fc.Arbitrary<MoneyInputs>;
const settings = fc.record({
  horizonMonths: fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  hourlyRateUsd: fc.double({ min: 0, max: 1e15, noNaN: true, noDefaultInfinity: true }),
  hoursPerPoint: fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  missingInput: fc.constantFrom<ScoringSettings['missingInput']>('unscored', 'zero'),
  rankBy: fc.constantFrom<'expected' | 'p10'>('expected', 'p10'),
  order: fc.constantFrom<'netValue' | 'cd3'>('netValue', 'cd3'),
  metrics: fc.constant({ signups: { name: 'sign-ups', baselineUsdPerMonth: 1e6 } }),
});

const writable = (n: number | null) => n === null || (Number.isFinite(n) && Math.abs(n) <= 1e13);

describe('a regression the property found', () => {
  it('a cost of 3.6e307 h at $0/h is invalid (its PERT mean overflows), not a NaN', () => {
    const r = netValue(
      { value: null, cost: 3.595386269724632e307, costLow: 0, costUnit: 'hours' },
      { ...defaults, hourlyRateUsd: 0 },
    );
    expect(r.status).toBe('invalid');
    expect(r.reason).toContain('Cost');
    expect(r.costUsd === null || Number.isFinite(r.costUsd)).toBe(true);
  });
});

describe('whatever the inputs, every figure can be stored, ranked and written', () => {
  it('never throws; scored figures are finite and bounded; other results say why', () => {
    fc.assert(
      fc.property(inputs, settings, (i, s) => {
        const r: NetValue = netValue(i, { ...defaults, ...s });
        for (const n of [r.valueUsdPerMonth, r.costUsd, r.cd3, r.confidencePct])
          expect(n === null || Number.isFinite(n)).toBe(true);
        if (r.status === 'scored') {
          for (const n of [r.netValueUsd, r.netValueLowUsd, r.netValueHighUsd])
            expect(n !== null && writable(n)).toBe(true);
          expect(r.reason).toBe('');
        } else {
          expect([r.netValueUsd, r.netValueLowUsd, r.netValueHighUsd, r.cd3]).toEqual([
            null,
            null,
            null,
            null,
          ]);
          expect(r.reason.length).toBeGreaterThan(0);
        }
        // It survives the JSON round trip of the store (no NaN/Infinity turning into null).
        const stored = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
        for (const [key, value] of Object.entries(r))
          expect(stored[key] === null).toBe(value === null);
      }),
      { numRuns: 2000 },
    );
  });
});
