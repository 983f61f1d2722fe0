/**
 * Properties of the money model under uncertainty, and the orders it feeds: rankBy p10 and the
 * CD3 order (docs/architecture.md, "The method").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MoneyInputs, NetValue, ScoringSettings } from '../../src/domain/index.js';
import { DEFAULT_SCORING_SETTINGS, hashedSettings } from '../../src/scoring/defaults.js';
import { formatNumber, formatUsd, roundCents } from '../../src/scoring/format.js';
import { confidencePct, netValue, normalCdf } from '../../src/scoring/net-value.js';
import { rankItems, rankSortKey, type RankItem } from '../../src/scoring/rank.js';

const defaults: ScoringSettings = DEFAULT_SCORING_SETTINGS;

/** The single-number model as it was before ranges (scored path), for "exactly today's". */
function todays(value: number, cost: number, unit: MoneyInputs['costUnit'], s: ScoringSettings) {
  const rate = `${formatUsd(s.hourlyRateUsd)}/h`;
  const c =
    unit === 'hours'
      ? cost * s.hourlyRateUsd
      : unit === 'points'
        ? cost * s.hoursPerPoint * s.hourlyRateUsd
        : cost;
  const costText =
    unit === 'hours'
      ? `${formatNumber(cost)} h x ${rate}`
      : unit === 'points'
        ? `${formatNumber(cost)} pts x ${formatNumber(s.hoursPerPoint)} h/pt x ${rate}`
        : formatUsd(cost);
  const net = roundCents(value * s.horizonMonths - c);
  return {
    valueUsdPerMonth: value,
    costUsd: roundCents(c),
    netValueUsd: net,
    explanation: `${formatUsd(value)}/mo x ${formatNumber(s.horizonMonths)} mo - ${costText} = ${formatUsd(net)}`,
  };
}

const amount = fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true });
const unit = fc.constantFrom<MoneyInputs['costUnit']>('hours', 'points', 'usd');
const settings = fc.record({
  horizonMonths: fc.double({ min: 0.1, max: 36, noNaN: true }),
  hourlyRateUsd: fc.double({ min: 0, max: 500, noNaN: true }),
  hoursPerPoint: fc.double({ min: 0.5, max: 16, noNaN: true }),
});
/** Three sorted amounts: low <= most likely <= high. */
const three = fc
  .tuple(amount, amount, amount)
  .map((xs) => [...xs].sort((a, b) => a - b) as [number, number, number]);

describe('money model properties', () => {
  it('point inputs give exactly the single-number results and explanation', () => {
    fc.assert(
      fc.property(amount, amount, unit, settings, (value, cost, costUnit, s) => {
        const full = { ...defaults, ...s };
        const result = netValue({ value, cost, costUnit }, full);
        expect(result).toMatchObject(todays(value, cost, costUnit, full));
        expect(result.netValueLowUsd).toBe(result.netValueUsd);
        expect(result.netValueHighUsd).toBe(result.netValueUsd);
        expect(result.confidencePct).toBe((result.netValueUsd as number) > 0 ? 100 : 0);
      }),
    );
  });

  it('P10 <= expected <= P90', () => {
    fc.assert(
      fc.property(three, three, unit, settings, ([vl, vm, vh], [cl, cm, ch], costUnit, s) => {
        const r = netValue(
          {
            value: vm,
            valueLow: vl,
            valueHigh: vh,
            cost: cm,
            costLow: cl,
            costHigh: ch,
            costUnit,
          },
          { ...defaults, ...s },
        );
        expect(r.status).toBe('scored');
        expect(r.netValueLowUsd as number).toBeLessThanOrEqual(r.netValueUsd as number);
        expect(r.netValueUsd as number).toBeLessThanOrEqual(r.netValueHighUsd as number);
        expect(r.confidencePct).toBeGreaterThanOrEqual(0);
        expect(r.confidencePct).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('confidence never falls as the expected net value rises (same spread)', () => {
    fc.assert(
      fc.property(
        three,
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        ([cl, cm, ch], a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          // The same Value spread shifted up: a higher expected net value, the same sdNet.
          const at = (shift: number): NetValue =>
            netValue(
              {
                value: shift + 1000,
                valueLow: shift,
                valueHigh: shift + 3000,
                cost: cm,
                costLow: cl,
                costHigh: ch,
                costUnit: 'hours',
              },
              defaults,
            );
          expect(at(lo).confidencePct as number).toBeLessThanOrEqual(
            at(hi).confidencePct as number,
          );
        },
      ),
    );
  });

  it('confidencePct is monotonic in the expected value for any spread', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e7, max: 1e7, noNaN: true }),
        fc.double({ min: -1e7, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (a, b, sd) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(confidencePct(lo, sd)).toBeLessThanOrEqual(confidencePct(hi, sd));
        },
      ),
    );
  });

  it('the normal CDF matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.2815516)).toBeCloseTo(0.9, 6);
    expect(normalCdf(-1.2815516)).toBeCloseTo(0.1, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });
});

const item = (key: string, r: Partial<NetValue>, trackerId = 'j'): RankItem => ({
  trackerId,
  key,
  result: {
    status: 'scored',
    netValueUsd: null,
    costUsd: 0,
    netValueLowUsd: null,
    cd3: null,
    ...r,
  },
});
const order = (items: RankItem[], options: Parameters<typeof rankItems>[1]): string[] =>
  rankItems(items, options).map((r) => r.item.key);

describe('ranking options', () => {
  // A: sure $3,000; B: $3,500 expected but a P10 of $1,000 (a risky bet).
  const sure = item('A-1', { netValueUsd: 3000, netValueLowUsd: 3000, costUsd: 2000, cd3: 125 });
  const risky = item('A-2', { netValueUsd: 3500, netValueLowUsd: 1000, costUsd: 500, cd3: 600 });

  it('ranks by expected net value by default', () => {
    expect(order([sure, risky], {})).toEqual(['A-2', 'A-1']);
  });

  it('rankBy p10 ranks by P10 (the risk-averse order)', () => {
    expect(order([sure, risky], { rankBy: 'p10' })).toEqual(['A-1', 'A-2']);
  });

  it('the default options give the same sort keys as before ranges existed', () => {
    // 0 + (1e15 - 300000 cents) + 200000 cents + identity: the stored members stay valid.
    expect(rankSortKey(sure)).toBe(
      `0${String(1e15 - 300000).padStart(16, '0')}${'200000'.padStart(16, '0')}j\u0001A-000000000001\u0001A-1`,
    );
    expect(rankSortKey(sure, { rankBy: 'expected', order: 'netValue' })).toBe(rankSortKey(sure));
  });

  it('cd3 puts positive issues first by CD3, then the rest by net value, unscored last', () => {
    const bigSlow = item('B-1', { netValueUsd: 50_000, costUsd: 40_000, cd3: 300 });
    const smallFast = item('B-2', { netValueUsd: 900, costUsd: 100, cd3: 500 });
    const free = item('B-3', { netValueUsd: 100, costUsd: 0, cd3: null });
    const negative = item('B-4', { netValueUsd: -100, costUsd: 600, cd3: 5 });
    const worse = item('B-5', { netValueUsd: -900, costUsd: 1000, cd3: 900 });
    const unscored = item('B-6', { status: 'unscored', netValueUsd: null });
    const all = [unscored, worse, negative, free, smallFast, bigSlow];
    expect(order(all, {})).toEqual(['B-1', 'B-2', 'B-3', 'B-4', 'B-5', 'B-6']);
    expect(order(all, { order: 'cd3' })).toEqual(['B-3', 'B-2', 'B-1', 'B-4', 'B-5', 'B-6']);
  });

  it('cd3 ties: net value descending, then lower cost, then tracker and key', () => {
    const a = item('C-1', { netValueUsd: 100, costUsd: 50, cd3: 10 });
    const b = item('C-2', { netValueUsd: 200, costUsd: 50, cd3: 10 });
    const c = item('C-3', { netValueUsd: 200, costUsd: 10, cd3: 10 });
    const d = item('C-10', { netValueUsd: 200, costUsd: 10, cd3: 10 });
    expect(order([a, b, c, d], { order: 'cd3' })).toEqual(['C-3', 'C-10', 'C-2', 'C-1']);
  });

  it("the method's examples rank the same in both orders: performance first", () => {
    const s = { ...defaults, order: 'cd3' as const };
    const login = netValue({ value: 5000, cost: 40, costUnit: 'hours' }, s);
    const perf = netValue({ value: 7000, cost: 50, costUnit: 'hours' }, s);
    expect([login.cd3, perf.cd3]).toEqual([125, 140]);
    const items = [item('APP-1', login), item('APP-2', perf)];
    expect(order(items, s)).toEqual(['APP-2', 'APP-1']);
  });

  it('is a total order: every permutation gives the same ranking', () => {
    const arb = fc.array(
      fc.record({
        key: fc.constantFrom('A-1', 'A-2', 'A-3', 'A-10', 'B-1'),
        net: fc.integer({ min: -5000, max: 5000 }),
        cost: fc.integer({ min: 0, max: 5000 }),
        cd3: fc.option(fc.integer({ min: 0, max: 1000 })),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom('netValue' as const, 'cd3' as const), (rows, o) => {
        const items = rows.map((r, i) =>
          item(r.key, { netValueUsd: r.net, costUsd: r.cost, cd3: r.cd3 }, `t${i}`),
        );
        expect(order([...items].reverse(), { order: o })).toEqual(order(items, { order: o }));
      }),
    );
  });
});

describe('settings hash compatibility', () => {
  it('settings at their defaults hash as they did before rankBy, order and metrics', () => {
    const before = {
      horizonMonths: 1,
      hourlyRateUsd: 50,
      hoursPerPoint: 8,
      missingInput: 'unscored',
      priorityThresholdsUsd: { high: 5000, medium: 1000 },
    };
    expect(JSON.stringify(hashedSettings(DEFAULT_SCORING_SETTINGS))).toBe(JSON.stringify(before));
  });

  it('a set rankBy, order or metric changes what is hashed', () => {
    for (const change of [
      { rankBy: 'p10' as const },
      { order: 'cd3' as const },
      { metrics: { signups: { name: 's', baselineUsdPerMonth: 1 } } },
    ]) {
      expect(hashedSettings({ ...defaults, ...change })).toMatchObject(change);
    }
  });
});
