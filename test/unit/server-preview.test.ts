import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/connector.js';
import type { MoneyInputs, ScoringSettings } from '../../src/domain/index.js';
import { rescoreRecord, scoreRecord } from '../../src/pipeline/score-record.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { priorityBucket } from '../../src/scoring/rank.js';
import { changedValues } from '../../src/scoring/write-diff.js';
import { mergeSettings, previewScoring } from '../../src/server/preview.js';
import type { IssueRecord } from '../../src/store/issue-record.js';

const SETTINGS: ScoringSettings = DEFAULT_SCORING_SETTINGS;

// Only `desired` is used by re-scoring: a tracker that holds the net value in one field.
const connector = {
  desired: ({ result }) => ({ netValueUsd: result.netValueUsd }),
} as Pick<Connector, 'desired'> as Connector;

function record(key: string, value: number | null, costHours: number | null): IssueRecord {
  const inputs: MoneyInputs = { value, cost: costHours, costUnit: 'hours' };
  return scoreRecord(
    {
      trackerId: 'jira',
      id: `id-${key}`,
      key,
      title: `Issue ${key}`,
      url: `https://example.test/${key}`,
      labels: [],
      updatedAt: '2026-01-01T00:00:00Z',
      inputs,
      current: {},
      rank: null,
      pinned: false,
    },
    null,
    { settings: SETTINGS, settingsHash: 'current', connector },
  );
}

// The method's example (docs/architecture.md): login $5,000/mo, 40 h; performance $7,000/mo, 50 h.
const login = record('APP-1', 5000, 40);
const performance = record('APP-2', 7000, 50);
const noValue = record('APP-3', null, 10);

describe('mergeSettings', () => {
  it('keeps every setting the patch leaves out', () => {
    expect(mergeSettings(SETTINGS, {})).toEqual(SETTINGS);
  });

  it('merges priority thresholds key by key', () => {
    expect(
      mergeSettings(SETTINGS, { hourlyRateUsd: 80, priorityThresholdsUsd: { high: 9000 } }),
    ).toEqual({
      ...SETTINGS,
      hourlyRateUsd: 80,
      priorityThresholdsUsd: { high: 9000, medium: 1000 },
    });
  });
});

describe('previewScoring', () => {
  const connectorFor = () => connector;

  it('lists nothing when the settings are the ones in force', () => {
    const preview = previewScoring([login, performance, noValue], SETTINGS, connectorFor);
    expect(preview).toEqual({
      settings: SETTINGS,
      changed: [],
      changedCount: 0,
      unchangedCount: 3,
      writes: [{ trackerId: 'jira', issues: 0, moved: 0, orderCalls: 0 }],
      overrides: [],
    });
  });

  it('reports net value changes with ranks before and after, in the new order', () => {
    // 3 months: login 15,000 - 2,000 = 13,000; performance 21,000 - 2,500 = 18,500.
    const settings = { ...SETTINGS, horizonMonths: 3 };
    const preview = previewScoring([login, performance, noValue], settings, connectorFor);
    expect(preview.changed).toEqual([
      {
        trackerId: 'jira',
        key: 'APP-2',
        title: 'Issue APP-2',
        from: { rank: 1, netValueUsd: 4500, status: 'scored' },
        to: { rank: 1, netValueUsd: 18500, status: 'scored' },
      },
      {
        trackerId: 'jira',
        key: 'APP-1',
        title: 'Issue APP-1',
        from: { rank: 2, netValueUsd: 3000, status: 'scored' },
        to: { rank: 2, netValueUsd: 13000, status: 'scored' },
      },
    ]);
    expect(preview.unchangedCount).toBe(1);
  });

  it('reports a swap in rank when a higher rate makes the cheaper task win', () => {
    const cheapPerformance = record('APP-2', 7000, 10);
    const costlyLogin = record('APP-1', 9000, 40);
    const preview = previewScoring(
      [costlyLogin, cheapPerformance],
      { ...SETTINGS, hourlyRateUsd: 300 },
      connectorFor,
    );
    // Before: login 9,000 - 2,000 = 7,000 (1st), performance 7,000 - 500 = 6,500 (2nd).
    // After: login 9,000 - 12,000 = -3,000 (2nd), performance 7,000 - 3,000 = 4,000 (1st).
    expect(preview.changed.map((c) => [c.key, c.from.rank, c.to.rank])).toEqual([
      ['APP-2', 2, 1],
      ['APP-1', 1, 2],
    ]);
  });

  it('reports a status change when missing inputs start to count as zero', () => {
    const preview = previewScoring(
      [login, noValue],
      { ...SETTINGS, missingInput: 'zero' },
      connectorFor,
    );
    expect(preview.changed).toEqual([
      expect.objectContaining({
        key: 'APP-3',
        from: { rank: 2, netValueUsd: null, status: 'unscored' },
        // $0/mo - 10 h x $50/h: still below login, so the rank stays but the number appears.
        to: { rank: 2, netValueUsd: -500, status: 'scored' },
      }),
    ]);
  });

  it('does not modify the records it is given', () => {
    const before = JSON.stringify([login, performance]);
    previewScoring([login, performance], { ...SETTINGS, hourlyRateUsd: 10 }, connectorFor);
    expect(JSON.stringify([login, performance])).toBe(before);
  });
});

describe('previewScoring: orders, write cost and tracker overrides', () => {
  const connectorFor = () => connector;

  it('rankBy p10 puts the sure thing above the risky bet, and counts the writes', () => {
    // Sure: $3,000 exactly. Risky: Value 0-4,000-12,000 (mean 4,666.67, sd 2,000) - 20 h:
    // $3,666.67 expected but a P10 of 3,666.67 - 1.2815516 x 2,000 = $1,103.57.
    const sure = record('APP-1', 5000, 40);
    const risky = scoreRecord(
      {
        trackerId: 'jira',
        id: 'id-APP-2',
        key: 'APP-2',
        title: 'Issue APP-2',
        url: 'https://example.test/APP-2',
        labels: [],
        updatedAt: '2026-01-01T00:00:00Z',
        inputs: { value: 4000, valueLow: 0, valueHigh: 12000, cost: 20, costUnit: 'hours' },
        current: {},
        rank: null,
        pinned: false,
      },
      null,
      { settings: SETTINGS, settingsHash: 'current', connector },
    );
    expect(risky.result).toMatchObject({ netValueUsd: 3666.67, netValueLowUsd: 1103.56 });
    const now = previewScoring([sure, risky], SETTINGS, connectorFor);
    expect(now.changed).toEqual([]);
    const p10 = previewScoring(
      [sure, risky],
      mergeSettings(SETTINGS, { rankBy: 'p10' }),
      connectorFor,
    );
    expect(p10.changed.map((c) => [c.key, c.from.rank, c.to.rank])).toEqual([
      ['APP-1', 2, 1],
      ['APP-2', 1, 2],
    ]);
    // The connector writes only the net value, which rankBy does not change: no writes.
    expect(p10.writes).toEqual([{ trackerId: 'jira', issues: 0, moved: 0, orderCalls: 0 }]);
  });

  it('order cd3 reorders by cost of delay / duration', () => {
    // Big: $9,000 over 100 h (CD3 140); small: $1,500 over 5 h (CD3 350).
    const big = record('APP-1', 14000, 100);
    const small = record('APP-2', 1750, 5);
    const preview = previewScoring(
      [big, small],
      mergeSettings(SETTINGS, { order: 'cd3' }),
      connectorFor,
    );
    expect(preview.changed.map((c) => [c.key, c.to.rank])).toEqual([
      ['APP-2', 1],
      ['APP-1', 2],
    ]);
  });

  it('counts the issues whose written values change, per tracker', () => {
    const preview = previewScoring(
      [login, performance, noValue],
      { ...SETTINGS, horizonMonths: 3 },
      connectorFor,
    );
    expect(preview.writes).toEqual([{ trackerId: 'jira', issues: 2, moved: 0, orderCalls: 0 }]);
  });

  it('names a tracker whose own hours per point keep the global one from applying', () => {
    const pointsRecord = (key: string, hoursPerPoint?: number): IssueRecord =>
      scoreRecord(
        {
          trackerId: 'linear',
          id: `id-${key}`,
          key,
          title: key,
          url: '',
          labels: [],
          updatedAt: '2026-01-01T00:00:00Z',
          inputs: {
            value: 5000,
            cost: 5,
            costUnit: 'points',
            ...(hoursPerPoint === undefined ? {} : { hoursPerPoint }),
          },
          current: {},
          rank: null,
          pinned: false,
        },
        null,
        { settings: SETTINGS, settingsHash: 'current', connector },
      );
    const records = [pointsRecord('ENG-1', 6), pointsRecord('ENG-2', 6), pointsRecord('OPS-1', 4)];
    const preview = previewScoring(records, { ...SETTINGS, hoursPerPoint: 12 }, connectorFor);
    expect(preview.changed).toEqual([]);
    expect(preview.overrides).toEqual([
      {
        trackerId: 'linear',
        setting: 'hoursPerPoint',
        issues: 3,
        values: [4, 6],
        message:
          "tracker linear: 3 issues estimated in points use the tracker's own hours per point (4 h/pt, 6 h/pt: its cost.hoursPerPoint or hoursPerPointByTeam), so scoring.hoursPerPoint (12) does not change them",
      },
    ]);
  });

  it('merges metric baselines by id', () => {
    const current = {
      ...SETTINGS,
      metrics: { signups: { name: 'sign-up revenue', baselineUsdPerMonth: 100000 } },
    };
    expect(
      mergeSettings(current, { metrics: { signups: { baselineUsdPerMonth: 120000 } } }).metrics,
    ).toEqual({ signups: { name: 'sign-up revenue', baselineUsdPerMonth: 120000 } });
  });
});

describe('previewScoring write counts', () => {
  // A tracker that holds the net value, the unified position, a priority and the explanation.
  const rich = {
    desired: ({ result, rankPosition, priority }) => ({
      netValueUsd: result.netValueUsd,
      rankPosition,
      priority,
      note: result.status === 'scored' ? result.explanation : null,
    }),
  } as Pick<Connector, 'desired'> as Connector;

  /** The writes counted the direct way: every value the tracker is to hold, at both ranks. */
  function oracle(records: IssueRecord[], next: ScoringSettings): number {
    const env = { settings: next, settingsHash: 'next', connector: rich };
    const after = records.map((r) => rescoreRecord(r, env));
    const rankOf = (rs: IssueRecord[]) => {
      const sorted = [...rs].sort((a, b) => (a.member < b.member ? -1 : 1)).map((r) => r.id);
      return (r: IssueRecord) => sorted.indexOf(r.id) + 1;
    };
    const [rankBefore, rankAfter] = [rankOf(records), rankOf(after)];
    const desired = (r: IssueRecord, rank: number, s: ScoringSettings) =>
      rich.desired({
        result: r.result,
        rankPosition: r.result.status === 'scored' ? rank : null,
        priority: priorityBucket(r.result.netValueUsd, s.priorityThresholdsUsd),
      });
    return records.filter((r, i) => {
      const a = after[i] as IssueRecord;
      return changedValues(desired(r, rankBefore(r), SETTINGS), desired(a, rankAfter(a), next));
    }).length;
  }

  it('match the direct count of changed values for any backlog and settings', () => {
    const inputs = fc.record({
      value: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
      hours: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(inputs, { maxLength: 25 }),
        fc.record({
          // The current rate and horizon often: then only missing inputs or thresholds move issues.
          hourlyRateUsd: fc.oneof(
            fc.constant(SETTINGS.hourlyRateUsd),
            fc.integer({ min: 10, max: 200 }),
          ),
          horizonMonths: fc.oneof(
            fc.constant(SETTINGS.horizonMonths),
            fc.integer({ min: 1, max: 4 }),
          ),
          high: fc.integer({ min: 1000, max: 20_000 }),
          missingInput: fc.constantFrom('unscored' as const, 'zero' as const),
        }),
        (rows, { hourlyRateUsd, horizonMonths, high, missingInput }) => {
          const records = rows.map(({ value, hours }, i) =>
            scoreRecord(
              {
                trackerId: 'jira',
                id: `id-${i}`,
                key: `APP-${i}`,
                title: `Issue ${i}`,
                url: '',
                labels: [],
                updatedAt: '2026-01-01T00:00:00Z',
                inputs: { value, cost: hours, costUnit: 'hours' },
                current: {},
                rank: null,
                pinned: false,
              },
              null,
              { settings: SETTINGS, settingsHash: 'current', connector: rich },
            ),
          );
          const next = mergeSettings(SETTINGS, {
            hourlyRateUsd,
            horizonMonths,
            missingInput,
            priorityThresholdsUsd: { high, medium: Math.min(high, 1000) },
          });
          const preview = previewScoring(records, next, () => rich, SETTINGS);
          const counted = preview.writes.find((w) => w.trackerId === 'jira')?.issues ?? 0;
          expect(counted).toBe(oracle(records, next));
          expect(preview.changedCount).toBe(preview.changed.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
