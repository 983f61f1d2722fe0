import { describe, expect, it } from 'vitest';
import { parseHoursLabel, parseValueLabel } from '../../connectors/linear/money-label.js';
import { netValue } from '../../src/scoring/net-value.js';
import { VALUE_FORMATS } from '../../connectors/linear/sandbox/seed.js';

describe('Value labels -> $ per month', () => {
  it.each([
    ['$5k', 5000],
    ['$5K', 5000],
    ['$5,000', 5000],
    ['5000', 5000],
    ['$500', 500],
    ['$1.5k/mo', 1500],
    ['$1.5k / month', 1500],
    ['$2k monthly', 2000],
    ['$2k per month', 2000],
    ['$5k/m', 5000],
    ['$60k/yr', 5000],
    ['$60k/year', 5000],
    ['$60,000 yearly', 5000],
    ['$1k/yr', 83.33],
    ['$2M/yr', 166666.67],
    ['$1.2m', 1_200_000],
    ['$1,234.50', 1234.5],
    ['  $7,000  ', 7000],
    ['$0', 0],
  ])('%s is %d', (label, usdPerMonth) => {
    expect(parseValueLabel(label)).toEqual({ ok: true, amount: usdPerMonth });
  });

  it.each(['TBD', '$abc', '$5k/week', '5k-10k', '$1,5k', '-$500', '$', '', 'high', '$5k/mo/yr'])(
    '%j is unreadable and kept as text',
    (label) => {
      expect(parseValueLabel(label)).toEqual({ ok: false, text: label.trim() });
    },
  );

  it('an unreadable label makes the issue invalid with the label text in the reason', () => {
    const read = parseValueLabel('TBD');
    const value = read.ok ? read.amount : read.text;
    const result = netValue(
      { value, cost: 40, costUnit: 'hours' },
      {
        horizonMonths: 1,
        hourlyRateUsd: 50,
        hoursPerPoint: 8,
        missingInput: 'unscored',
        priorityThresholdsUsd: { high: 5000, medium: 1000 },
      },
    );
    expect(result.status).toBe('invalid');
    expect(result.reason).toContain('TBD');
  });

  it('reads back every format the sandbox seeds', () => {
    for (const format of VALUE_FORMATS) {
      for (const amount of [250, 1500, 5000, 7250]) {
        expect(parseValueLabel(format(amount))).toEqual({ ok: true, amount });
      }
    }
  });
});

describe('Cost labels -> hours', () => {
  it.each([
    ['40h', 40],
    ['4.5 h', 4.5],
    ['12 hours', 12],
    ['8hrs', 8],
  ])('%s is %d h', (label, hours) => {
    expect(parseHoursLabel(label)).toEqual({ ok: true, amount: hours });
  });

  it.each(['2d', 'forty hours', 'h', '5 pts'])('%j is unreadable', (label) => {
    expect(parseHoursLabel(label)).toEqual({ ok: false, text: label });
  });
});
