/** The review's pure pieces (README "Backlog reviews"): `since`, shares, why, when a digest is due. */
import { describe, expect, it } from 'vitest';
import { shareFigures, whyMoved } from '../../src/review/compute.js';
import { parseSince } from '../../src/review/since.js';
import { digestDue } from '../../src/review/send.js';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const DAY = 86_400_000;

describe('review since', () => {
  it.each([
    ['7d', NOW - 7 * DAY],
    ['12h', NOW - 12 * 3_600_000],
    ['30m', NOW - 30 * 60_000],
    ['2w', NOW - 14 * DAY],
    ['2026-11-23T12:00:00.000Z', NOW - 7 * DAY],
    ['2026-11-23', Date.parse('2026-11-23')],
  ])('reads %s', (text, ms) => {
    expect(parseSince(text, NOW)).toEqual({ ok: true, ms });
  });

  it.each([
    ['yesterday', 'must be a duration like 30m, 12h, 7d or 2w, or an ISO-8601 time'],
    ['7 days', 'must be a duration like'],
    ['-7d', 'must be a duration like'],
    ['7y', 'must be a duration like'],
    ['2026-13-45', 'must be a duration like'],
    ['2026-12-30', 'must not be in the future'],
    ['93d', 'must be within the last 92 days'],
  ])('refuses %s', (text, message) => {
    const result = parseSince(text, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});

describe('review shares', () => {
  const entry = (workType: 'technical' | 'product' | 'unclassified', netValueUsd: number) => ({
    trackerId: 't',
    key: 'K',
    status: 'scored' as const,
    netValueUsd,
    workType,
  });

  it('shares the positive net value; a negative one counts in the sum, not the share', () => {
    const figures = shareFigures([
      entry('technical', 3000),
      entry('product', 1000),
      entry('product', -500),
    ]);
    expect(figures.technical).toEqual({
      count: 1,
      countPct: 33.3,
      netValueUsd: 3000,
      sharePct: 75,
    });
    expect(figures.product).toEqual({ count: 2, countPct: 66.7, netValueUsd: 500, sharePct: 25 });
    expect(figures.unclassified).toEqual({ count: 0, countPct: 0, netValueUsd: 0, sharePct: 0 });
  });

  it('answers zeros for an empty top', () => {
    expect(shareFigures([]).technical).toEqual({
      count: 0,
      countPct: 0,
      netValueUsd: 0,
      sharePct: 0,
    });
  });
});

describe('why an issue moved', () => {
  const at = '2026-11-30T00:00:00.000Z';
  it.each([
    [true, [], 'new issue'],
    [false, [{ at, why: 'sync', changes: [{ field: 'value', from: 1, to: 2 }] }], 'input edited'],
    [
      false,
      [{ at, why: 'settings change', changes: [{ field: 'netValueUsd', from: 1, to: 2 }] }],
      'settings changed',
    ],
    [
      false,
      [
        { at, why: 'webhook', changes: [{ field: 'cost', from: 1, to: 2 }] },
        { at, why: 'settings change', changes: [{ field: 'netValueUsd', from: 1, to: 2 }] },
      ],
      'input edited, settings changed',
    ],
    [
      false,
      [{ at, why: 'sync', changes: [{ field: 'rank', from: 3, to: 4 }] }],
      'other issues moved',
    ],
    [false, [], 'other issues moved'],
  ])('new %s, history %j: %s', (isNew, entries, why) => {
    expect(whyMoved(isNew, entries)).toBe(why);
  });
});

describe('when the digest is due', () => {
  const WEEK = 604_800;
  it.each([
    ['never scheduled nor sent', null, null, NOW, true],
    ['the schedule just started', null, new Date(NOW).toISOString(), NOW, false],
    ['a period after the schedule started', null, new Date(NOW - 7 * DAY).toISOString(), NOW, true],
    ['a day after the last attempt', new Date(NOW - DAY).toISOString(), null, NOW, false],
    [
      'a period (less drift) after the last attempt',
      new Date(NOW - 6.5 * DAY).toISOString(),
      null,
      NOW,
      true,
    ],
  ])('%s', (_name, lastAttemptAt, scheduledSince, now, due) => {
    expect(digestDue({ lastAttemptAt, scheduledSince }, now, WEEK)).toBe(due);
  });
});
