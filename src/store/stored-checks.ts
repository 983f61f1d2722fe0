/**
 * Fast checks of the stored parts of a record, used before their zod schemas (issue-record.ts)
 * on every read. A check accepts only a value in its canonical shape (every key known, every type
 * right) and returns it as parsed, without the copy zod makes; anything else, including a value
 * zod would accept after stripping a key, returns undefined and goes to the schema, which stays
 * the definition and words the report. A plan reads every record, and zod's copies (about 20 µs
 * and a few KB per record) made most of its time and, promoted by V8 into the old generation, most
 * of its peak memory (README "Performance"). A property test (test/unit/stored-checks.test.ts)
 * holds each check to its schema: whatever a check accepts, the schema accepts with an equal result.
 */
import type { NetValue, WriteValues } from '../domain/index.js';
import { pointConfidencePct, type IssueRecord } from './issue-record.js';

type Raw = Record<string, unknown>;

/** A plain object (what JSON.parse makes of `{...}`). */
export function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isFilled = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumberOrNull = (v: unknown) => v === null || isNumber(v);
const isRawInput = (v: unknown) => v === null || isNumber(v) || isString(v);

/** Per key, whether a present value is right (absent keys are checked apart). */
type Shape = Readonly<Record<string, (v: unknown) => boolean>>;

/** Every key of `o` in `shape` with a right value, and every `required` key present. */
function fits(o: Raw, shape: Shape, required: readonly string[]): boolean {
  for (const key in o) {
    const check = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (check === undefined || !check(o[key])) return false;
  }
  for (const key of required) if (!Object.hasOwn(o, key)) return false;
  return true;
}

const WRITE_VALUES: Shape = {
  netValueUsd: isNumberOrNull,
  netValueLowUsd: isNumberOrNull,
  netValueHighUsd: isNumberOrNull,
  confidencePct: isNumberOrNull,
  rankPosition: isNumberOrNull,
  priority: isNumberOrNull,
  sortKey: isNumber,
  note: (v) => v === null || isString(v),
};

const isWriteValues = (v: unknown): v is WriteValues => isObject(v) && fits(v, WRITE_VALUES, []);

const MONEY_INPUTS: Shape = {
  value: isRawInput,
  cost: isRawInput,
  costUnit: (v) => v === 'hours' || v === 'points' || v === 'usd',
  hoursPerPoint: isNumber,
  valueLow: isRawInput,
  valueHigh: isRawInput,
  costLow: isRawInput,
  costHigh: isRawInput,
  valueImpact: (v) => v === null || isString(v),
  valueSource: isString,
  costSource: isString,
};

const NET_VALUE: Shape = {
  status: (v) => v === 'scored' || v === 'unscored' || v === 'invalid',
  valueUsdPerMonth: isNumberOrNull,
  costUsd: isNumberOrNull,
  netValueUsd: isNumberOrNull,
  netValueLowUsd: isNumberOrNull,
  netValueHighUsd: isNumberOrNull,
  confidencePct: isNumberOrNull,
  cd3: isNumberOrNull,
  reason: isString,
  explanation: isString,
};
const NET_VALUE_REQUIRED = [
  'status',
  'valueUsdPerMonth',
  'costUsd',
  'netValueUsd',
  'reason',
  'explanation',
];

/** The result with the risk figures a record stored before them lacks (as NetValueSchema fills them). */
function isNetValue(v: unknown): v is NetValue {
  if (!isObject(v) || !fits(v, NET_VALUE, NET_VALUE_REQUIRED)) return false;
  const net = v['netValueUsd'] as number | null;
  if (v['netValueLowUsd'] === undefined) v['netValueLowUsd'] = net;
  if (v['netValueHighUsd'] === undefined) v['netValueHighUsd'] = net;
  if (v['confidencePct'] === undefined) v['confidencePct'] = pointConfidencePct(net);
  if (v['cd3'] === undefined) v['cd3'] = null;
  return true;
}

const WORK_TYPE: Shape = {
  type: (v) => v === 'technical' || v === 'product' || v === 'unclassified',
  rule: isString,
};

const STORED_RECORD: Shape = {
  trackerId: isFilled,
  id: isFilled,
  key: isFilled,
  title: isString,
  url: isString,
  updatedAt: isString,
  inputs: (v) => isObject(v) && fits(v, MONEY_INPUTS, ['value', 'cost', 'costUnit']),
  result: isNetValue,
  desired: isWriteValues,
  pinned: (v) => typeof v === 'boolean',
  member: isFilled,
  scoredWith: isString,
  workType: (v) => isObject(v) && fits(v, WORK_TYPE, ['type', 'rule']),
};
const STORED_RECORD_REQUIRED = Object.keys(STORED_RECORD).filter((k) => k !== 'workType');

export type StoredRecord = Omit<IssueRecord, 'current' | 'rank' | 'lastWrittenAt'>;

/** The scorer's part, or undefined for the schema to judge. */
export function checkStoredRecord(raw: unknown): StoredRecord | undefined {
  return isObject(raw) && fits(raw, STORED_RECORD, STORED_RECORD_REQUIRED)
    ? (raw as unknown as StoredRecord)
    : undefined;
}

const TRACKER_STATE: Shape = {
  id: isFilled,
  current: isWriteValues,
  lastWrittenAt: (v) => v === null || isString(v),
};
const TRACKER_STATE_REQUIRED = Object.keys(TRACKER_STATE);

/** The values a tracker holds, or undefined for the schema to judge. */
export function checkTrackerState(
  raw: unknown,
): Pick<IssueRecord, 'id' | 'current' | 'lastWrittenAt'> | undefined {
  return isObject(raw) && fits(raw, TRACKER_STATE, TRACKER_STATE_REQUIRED)
    ? (raw as unknown as Pick<IssueRecord, 'id' | 'current' | 'lastWrittenAt'>)
    : undefined;
}

/** The tracker's rank, or undefined for the schema to judge. */
export function checkStoredRank(raw: unknown): string | number | null | undefined {
  return raw === null || isString(raw) || isNumber(raw) ? raw : undefined;
}

const PLANNED: Shape = { rankPosition: isNumberOrNull, sortKey: isNumber };

/** The planner's values, or undefined for the schema to judge. */
export function checkPlanned(
  raw: unknown,
): Pick<WriteValues, 'rankPosition' | 'sortKey'> | undefined {
  return isObject(raw) && fits(raw, PLANNED, []) ? raw : undefined;
}
