import { describe, expect, it } from 'vitest';
import {
  parseHoursLabel,
  parseValueLabel,
  readHoursLabel,
  readValueLabel,
} from '../../connectors/linear/money-label.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { netValue } from '../../src/scoring/net-value.js';
import {
  hoursRangeLabel,
  valueRangeLabel,
  VALUE_FORMATS,
} from '../../connectors/linear/sandbox/seed.js';

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

describe('Value labels naming a range or a metric impact', () => {
  it.each([
    ['$4k-$7k', 4000, 7000],
    ['$4k–$7k/mo', 4000, 7000],
    ['$4k — $7k', 4000, 7000],
    ['$4k to $7k per month', 4000, 7000],
    ['$48k-$84k/yr', 4000, 7000],
    ['4-7k', 4000, 7000],
    ['$500-$2k', 500, 2000],
    ['$3.5k-$7k', 3500, 7000],
    ['5k-10k', 5000, 10000],
    ['$1k-$2k/yr', 83.33, 166.67],
  ])('%s is %d to %d a month', (label, low, high) => {
    expect(readValueLabel(label)).toEqual({ ok: true, low, high });
  });

  it.each(['+5% signups', '+3-8% signups', '+3%–8% sign-ups', '5% retention'])(
    '%s is a metric impact, read by the money model',
    (label) => {
      expect(readValueLabel(label)).toEqual({ ok: true, impact: label });
    },
  );

  it.each(['$5k', '$60k/yr', '5000'])('%s is still one amount', (label) => {
    expect(readValueLabel(label)).toMatchObject({
      ok: true,
      amount: expect.any(Number) as unknown,
    });
  });

  it.each(['TBD', '$4k-', '-$4k', '$4k-$7k/week', '$4k-$7k-$9k', 'high'])(
    '%j is unreadable and kept as text',
    (label) => {
      expect(readValueLabel(label)).toEqual({ ok: false, text: label });
    },
  );

  it('a range label scores with the midpoint as the most likely amount', () => {
    const read = readValueLabel('$4k-$6k');
    expect(read).toEqual({ ok: true, low: 4000, high: 6000 });
    const result = netValue(
      { value: null, valueLow: 4000, valueHigh: 6000, cost: 40, costUnit: 'hours' },
      DEFAULT_SCORING_SETTINGS,
    );
    expect(result).toMatchObject({ netValueUsd: 3000, netValueLowUsd: 2572.82 });
  });

  it('the sandbox range labels read back as symmetric ranges', () => {
    for (const amount of [250, 1500, 5000, 7250]) {
      const read = readValueLabel(valueRangeLabel(amount));
      expect(read.ok && 'low' in read && (read.low + read.high) / 2).toBe(amount);
    }
    for (const hours of [8, 40, 104]) {
      const read = readHoursLabel(hoursRangeLabel(hours));
      expect(read.ok && 'low' in read && (read.low + read.high) / 2).toBe(hours);
    }
  });
});

describe('Cost labels naming a range of hours', () => {
  it.each([
    ['20-40h', 20, 40],
    ['20h-40h', 20, 40],
    ['20 – 40 hours', 20, 40],
    ['2.5-4.5 hrs', 2.5, 4.5],
  ])('%s is %d to %d h', (label, low, high) => {
    expect(readHoursLabel(label)).toEqual({ ok: true, low, high });
  });

  it('one amount is still one amount', () => {
    expect(readHoursLabel('40h')).toEqual({ ok: true, amount: 40 });
  });

  it.each(['20-40', '20-40 pts', '-40h'])('%j is unreadable', (label) => {
    expect(readHoursLabel(label)).toEqual({ ok: false, text: label });
  });
});
