import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  PlannedSchema,
  StoredRankSchema,
  StoredRecordSchema,
  TrackerStateSchema,
} from '../../src/store/issue-record.js';
import {
  checkPlanned,
  checkStoredRank,
  checkStoredRecord,
  checkTrackerState,
} from '../../src/store/stored-checks.js';

// Valid stored shapes, then (half of the time) one change somewhere inside: a value replaced by
// any scalar, a key deleted, or an unknown key added, so that both sides of every check are reached.
const anyScalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'hours', 'points', 'usd', 'scored', 'unscored', 'invalid', 'technical'),
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const text = fc.string({ maxLength: 8 });
const filled = fc.string({ minLength: 1, maxLength: 6 });

const writeValues = fc.record(
  {
    netValueUsd: fc.option(number),
    netValueLowUsd: fc.option(number),
    netValueHighUsd: fc.option(number),
    confidencePct: fc.option(number),
    rankPosition: fc.option(number),
    priority: fc.option(number),
    sortKey: number,
    note: fc.option(text),
  },
  { requiredKeys: [] },
);
const rawInput = fc.oneof(fc.constant(null), number, fc.string({ maxLength: 5 }));
const inputs = fc.record(
  {
    value: rawInput,
    cost: rawInput,
    costUnit: fc.constantFrom('hours', 'points', 'usd'),
    hoursPerPoint: number,
    valueLow: rawInput,
    valueHigh: rawInput,
    costLow: rawInput,
    costHigh: rawInput,
    valueImpact: fc.option(text),
    valueSource: text,
    costSource: text,
  },
  { requiredKeys: ['value', 'cost', 'costUnit'] },
);
const result = fc.record(
  {
    status: fc.constantFrom('scored', 'unscored', 'invalid'),
    valueUsdPerMonth: fc.option(number),
    costUsd: fc.option(number),
    netValueUsd: fc.option(number),
    // Records stored before the risk figures lack these four.
    netValueLowUsd: fc.option(number),
    netValueHighUsd: fc.option(number),
    confidencePct: fc.option(number),
    cd3: fc.option(number),
    reason: text,
    explanation: text,
  },
  {
    requiredKeys: ['status', 'valueUsdPerMonth', 'costUsd', 'netValueUsd', 'reason', 'explanation'],
  },
);
const storedRecord = fc.record(
  {
    trackerId: filled,
    id: filled,
    key: filled,
    title: text,
    url: text,
    updatedAt: text,
    inputs,
    result,
    desired: writeValues,
    pinned: fc.boolean(),
    member: filled,
    scoredWith: text,
    workType: fc.record({
      type: fc.constantFrom('technical', 'product', 'unclassified'),
      rule: text,
    }),
  },
  {
    requiredKeys: [
      'trackerId',
      'id',
      'key',
      'title',
      'url',
      'updatedAt',
      'inputs',
      'result',
      'desired',
      'pinned',
      'member',
      'scoredWith',
    ],
  },
);
const trackerState = fc.record({
  id: filled,
  current: writeValues,
  lastWrittenAt: fc.option(text),
});
const planned = fc.record(
  { rankPosition: fc.option(number), sortKey: number },
  { requiredKeys: [] },
);

type Json = Record<string, unknown>;

/** Every object inside `value` (itself first). */
function objectsIn(value: unknown): Json[] {
  if (typeof value !== 'object' || value === null) return [];
  return [value as Json, ...Object.values(value).flatMap(objectsIn)];
}

/** `value` with one change in its `at`-th object: a key added, deleted or replaced. */
function changedOnce(value: unknown, at: number, how: number, scalar: unknown): unknown {
  const copy: unknown = structuredClone(value);
  const objects = objectsIn(copy);
  if (objects.length === 0) return scalar;
  const target = objects[at % objects.length] as Json;
  const keys = Object.keys(target);
  const key = keys[Math.floor(how / 3) % Math.max(1, keys.length)];
  if (how % 3 === 0 || key === undefined) target['unknownKey'] = scalar;
  else if (how % 3 === 1) delete target[key];
  else target[key] = scalar;
  return copy;
}

const nearly = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    arb,
    fc
      .tuple(arb, fc.nat(), fc.nat(), anyScalar)
      .map(([value, at, how, scalar]) => changedOnce(value, at, how, scalar)),
  );

/**
 * Whatever `check` accepts, the schema accepts with an equal value; returns how many values the
 * check accepted and declined (both must happen for the property to mean anything).
 */
function holdsToSchema<T>(
  arb: fc.Arbitrary<unknown>,
  check: (raw: unknown) => T | undefined,
  schema: z.ZodType<T>,
): { accepted: number; declined: number } {
  const counts = { accepted: 0, declined: 0 };
  fc.assert(
    fc.property(arb, (value) => {
      // As stored: the checks see what JSON.parse gives.
      const json = JSON.stringify(value);
      const checked = check(JSON.parse(json));
      if (checked === undefined) {
        counts.declined += 1;
        return;
      }
      counts.accepted += 1;
      const parsed = schema.safeParse(JSON.parse(json));
      expect(parsed.success).toBe(true);
      expect(checked).toStrictEqual(parsed.data);
    }),
    { numRuns: 2000 },
  );
  return counts;
}

describe('stored-part checks: a fast path that never disagrees with the zod schema', () => {
  it('the record part: what it accepts, the schema accepts with an equal record', () => {
    const counts = holdsToSchema(nearly(storedRecord), checkStoredRecord, StoredRecordSchema);
    expect(counts.accepted).toBeGreaterThan(200);
    expect(counts.declined).toBeGreaterThan(200);
  });

  it('the tracker state, rank and planned values likewise', () => {
    for (const counts of [
      holdsToSchema(nearly(trackerState), checkTrackerState, TrackerStateSchema),
      holdsToSchema(anyScalar, checkStoredRank, StoredRankSchema),
      holdsToSchema(nearly(planned), checkPlanned, PlannedSchema),
    ]) {
      expect(counts.accepted).toBeGreaterThan(200);
      expect(counts.declined).toBeGreaterThan(50);
    }
  });

  it('leaves to the schema what it would strip or reject, and fills risk figures as it does', () => {
    const record = {
      trackerId: 'jira',
      id: '1',
      key: 'APP-1',
      title: 't',
      url: 'u',
      updatedAt: '2026-01-01T00:00:00Z',
      inputs: { value: 100, cost: 2, costUnit: 'hours' },
      result: {
        status: 'scored',
        valueUsdPerMonth: 100,
        costUsd: 150,
        netValueUsd: 1050,
        reason: '',
        explanation: 'x',
      },
      desired: { netValueUsd: 1050 },
      pinned: false,
      member: 'm',
      scoredWith: 'h',
    };
    // A record stored before the risk figures: filled in as NetValueSchema's transform does.
    const old = checkStoredRecord(structuredClone(record));
    expect(old).toStrictEqual(StoredRecordSchema.parse(structuredClone(record)));
    expect(old?.result).toMatchObject({ netValueLowUsd: 1050, confidencePct: 100, cd3: null });
    // A key the schema strips (an older layout) or rejects: the check declines.
    expect(checkStoredRecord({ ...record, current: {} })).toBeUndefined();
    expect(checkStoredRecord({ ...record, desired: { bogus: 1 } })).toBeUndefined();
    expect(checkStoredRecord({ ...record, id: '' })).toBeUndefined();
    expect(checkPlanned({ sortKey: 1, netValueUsd: 2 })).toBeUndefined();
    expect(checkStoredRank([1])).toBeUndefined();
  });
});
