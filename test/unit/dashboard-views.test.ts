/**
 * What the dashboard shows, computed on the server (issue 14): an issue's trail in words (raw
 * rank values never shown) and its sparkline series, and the value/cost matrix points with the
 * ends of three-point ranges, computed by the money model itself.
 */
import { describe, expect, it } from 'vitest';
import type { MoneyInputs } from '../../src/domain/index.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { netValue } from '../../src/scoring/net-value.js';
import {
  auditText,
  historyLine,
  issueSeries,
  issueTrail,
  neighbourIds,
} from '../../src/server/dashboard/issue-trail.js';
import { matrixPoint } from '../../src/server/dashboard/matrix-points.js';
import type { AuditEntry } from '../../src/store/audit.js';
import type { HistoryEntry } from '../../src/store/history.js';
import type { IssueRecord } from '../../src/store/issue-record.js';

const at = '2026-11-30T10:00:00.000Z';
const keys: Record<string, string> = { '10009': 'APP-9' };
const keyOf = (id: string) => keys[id] ?? null;

function audit(field: string, from: string, to: string, why = 'rank by net value'): AuditEntry {
  return { at, trackerId: 'acme-jira', issueId: '10001', key: 'APP-1', field, from, to, why };
}

function history(why: string, changes: HistoryEntry['changes']): HistoryEntry {
  return { at, why, changes };
}

describe('an issue trail in words', () => {
  it.each([
    [
      'a rank move before an issue',
      audit('rank', '0|i0000f:', 'before 10009'),
      'Moved above APP-9 on the board',
    ],
    [
      'a rank move after an issue',
      audit('rank', '0|i0000f:', 'after 10009'),
      'Moved below APP-9 on the board',
    ],
    [
      'a move next to an issue no longer stored',
      audit('rank', '0|i0000f:', 'before 777'),
      "Moved in the tracker's order",
    ],
    [
      'a Linear sort key',
      audit('sortKey', '-1234.5', '88.25'),
      "Moved in the tracker's priority order",
    ],
    ['a first net value', audit('netValueUsd', '', '3000'), 'Wrote net value $3,000'],
    [
      'a changed net value',
      audit('netValueUsd', '2000', '3000'),
      'Wrote net value $3,000 (was $2,000)',
    ],
    ['a cleared net value', audit('netValueUsd', '2000', ''), 'Cleared the net value (was $2,000)'],
    ['a priority', audit('priority', '3', '2'), 'Wrote priority high (was medium)'],
    ['a rank position', audit('rankPosition', '7', '4'), 'Wrote rank position #4 (was #7)'],
    [
      'a note',
      audit('note', '', '$3,000: $5,000/mo x 1 mo - ...'),
      'Updated the note on the issue',
    ],
  ])('words %s', (_name, entry, text) => {
    expect(auditText(entry, keyOf)).toBe(text);
    expect(auditText(entry, keyOf)).not.toContain('0|i0000f:');
  });

  it.each([
    [
      'a net value change after a webhook',
      history('webhook', [
        { field: 'value', from: 4000, to: 5000 },
        { field: 'netValueUsd', from: 2000, to: 3000 },
        { field: 'netValueLowUsd', from: 2000, to: 3000 },
        { field: 'rank', from: 5, to: 3 },
      ]),
      'Value input 4000 to 5000, net value $2,000 to $3,000, rank #5 to #3 after a webhook',
    ],
    [
      'a range that widened (P10 and confidence shown)',
      history('sync', [
        { field: 'netValueLowUsd', from: 2500, to: 1800 },
        { field: 'confidencePct', from: 98, to: 90 },
      ]),
      'P10 $2,500 to $1,800, confidence 98% to 90% after a sync',
    ],
    [
      'an issue that lost an input',
      history('sync', [
        { field: 'cost', from: 40, to: null },
        { field: 'status', from: 'scored', to: 'unscored' },
        { field: 'netValueUsd', from: 3000, to: null },
        { field: 'rank', from: 2, to: 40 },
      ]),
      'Cost input cleared (was 40), needs input (unscored), net value cleared (was $3,000), rank #2 to #40 after a sync',
    ],
    [
      'the first entry of an issue',
      history('sync', [
        { field: 'value', from: null, to: 5000 },
        { field: 'cost', from: null, to: 40 },
        { field: 'costUnit', from: null, to: 'hours' },
        { field: 'status', from: null, to: 'scored' },
        { field: 'netValueUsd', from: null, to: 3000 },
        { field: 'rank', from: null, to: 4 },
      ]),
      'First seen: net value $3,000, rank #4 after a sync',
    ],
    [
      'a settings change',
      history('settings change', [{ field: 'netValueUsd', from: 3000, to: 8000 }]),
      'Net value $3,000 to $8,000 after a settings change',
    ],
  ])('words %s', (_name, entry, text) => {
    expect(historyLine(entry).text).toBe(text);
  });

  it('merges score changes and writes newest first, and names the neighbours to resolve', () => {
    const writes = [
      { ...audit('rank', 'x', 'before 10009'), at: '2026-11-30T10:00:02.000Z' },
      { ...audit('netValueUsd', '', '3000', 'sync r1'), at: '2026-11-30T10:00:01.000Z' },
    ];
    const scores = [history('sync', [{ field: 'netValueUsd', from: 2000, to: 3000 }])];
    expect(neighbourIds(writes)).toEqual(['10009']);
    expect(issueTrail(scores, writes, keyOf).map((t) => [t.source, t.text, t.why])).toEqual([
      ['write', 'Moved above APP-9 on the board', 'rank by net value'],
      ['write', 'Wrote net value $3,000', 'sync r1'],
      ['score', 'Net value $2,000 to $3,000 after a sync', 'sync'],
    ]);
  });

  it('draws the series oldest first, a value kept until it changes', () => {
    const newestFirst = [
      { at: 't3', why: 'sync', changes: [{ field: 'rank', from: 4, to: 2 }] },
      { at: 't2', why: 'webhook', changes: [{ field: 'netValueUsd', from: 3000, to: 4000 }] },
      {
        at: 't1',
        why: 'sync',
        changes: [
          { field: 'netValueUsd', from: null, to: 3000 },
          { field: 'rank', from: null, to: 4 },
        ],
      },
    ];
    expect(issueSeries(newestFirst)).toEqual([
      { at: 't1', netValueUsd: 3000, rank: 4 },
      { at: 't2', netValueUsd: 4000, rank: 4 },
      { at: 't3', netValueUsd: 4000, rank: 2 },
    ]);
  });
});

function record(inputs: MoneyInputs, settings = DEFAULT_SCORING_SETTINGS): IssueRecord {
  return {
    trackerId: 'acme-jira',
    id: '1',
    key: 'APP-1',
    title: 'Login',
    url: 'https://acme.atlassian.net/browse/APP-1',
    updatedAt: at,
    inputs,
    result: netValue(inputs, settings),
    current: {},
    desired: {},
    rank: null,
    pinned: false,
    member: 'm',
    scoredWith: 'h',
    lastWrittenAt: null,
  };
}

describe('matrix points', () => {
  const hours = { costUnit: 'hours' } as const;

  it('puts a point estimate at Value x horizon and Cost, with no whiskers', () => {
    const settings = { ...DEFAULT_SCORING_SETTINGS, horizonMonths: 3 };
    expect(matrixPoint(1, record({ value: 5000, cost: 40, ...hours }, settings), settings)).toEqual(
      {
        rank: 1,
        trackerId: 'acme-jira',
        key: 'APP-1',
        title: 'Login',
        valueUsd: 15_000,
        costUsd: 2000,
        netValueUsd: 13_000,
        valueLowUsd: null,
        valueHighUsd: null,
        costLowUsd: null,
        costHighUsd: null,
      },
    );
  });

  it('spans the ends of three-point Value and Cost ranges, in dollars', () => {
    const settings = { ...DEFAULT_SCORING_SETTINGS, horizonMonths: 2 };
    const inputs = {
      value: 5000,
      valueLow: 3000,
      valueHigh: 9000,
      cost: 40,
      costHigh: 80,
      ...hours,
    };
    expect(matrixPoint(2, record(inputs, settings), settings)).toMatchObject({
      valueLowUsd: 6000,
      valueHighUsd: 18_000,
      costLowUsd: 2000,
      costHighUsd: 4000,
    });
  });

  it('spans only low and high when no most likely amount is given, and points in points', () => {
    const inputs: MoneyInputs = {
      value: null,
      valueLow: 1000,
      valueHigh: 3000,
      cost: 3,
      costUnit: 'points',
      costLow: 2,
      costHigh: 5,
    };
    const point = matrixPoint(1, record(inputs), DEFAULT_SCORING_SETTINGS);
    expect(point).toMatchObject({
      valueUsd: 2000,
      valueLowUsd: 1000,
      valueHighUsd: 3000,
      costLowUsd: 2 * 8 * 50,
      costHighUsd: 5 * 8 * 50,
    });
  });

  it('spans an impact range on a metric (+3-8% of the baseline)', () => {
    const settings = {
      ...DEFAULT_SCORING_SETTINGS,
      metrics: { signups: { name: 'sign-up revenue', baselineUsdPerMonth: 100_000 } },
    };
    const inputs: MoneyInputs = { value: null, valueImpact: '+3-8% signups', cost: 40, ...hours };
    expect(matrixPoint(1, record(inputs, settings), settings)).toMatchObject({
      valueUsd: 5500,
      valueLowUsd: 3000,
      valueHighUsd: 8000,
      costLowUsd: null,
    });
  });

  it('leaves out an issue that needs input', () => {
    expect(
      matrixPoint(9, record({ value: null, cost: 40, ...hours }), DEFAULT_SCORING_SETTINGS),
    ).toBeNull();
  });
});
