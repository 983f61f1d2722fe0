/**
 * How an issue's record and tracker state are written to their hashes, and completed when read:
 * what the hash key and field already say (tracker id, issue id) and what equals its default (not
 * pinned, no reason, no write yet, the risk figures of point inputs, no CD3) is left out. That is
 * about 170 of some 1,300 bytes of Redis memory per issue (docs/architecture.md "Redis layout").
 * Completion fills only what is absent, so a value written before this, with every field, reads
 * as it did; what is left is checked by the parts' checks and schemas as before.
 */
import type { NetValue } from '../domain/index.js';
import { pointConfidencePct, type IssueRecord } from './issue-record.js';
import { isObject } from './stored-checks.js';

type Raw = Record<string, unknown>;

/** Sets `key` to `value` where it is absent (a present null stays, for the checks to judge). */
function fill(o: Raw, key: string, value: unknown): void {
  if (!Object.hasOwn(o, key)) o[key] = value;
}

/** The result without what the read fills in again (NetValueSchema and its check). */
function encodeResult(result: NetValue): Partial<NetValue> {
  const { netValueLowUsd, netValueHighUsd, confidencePct, cd3, reason, ...kept } = result;
  const out: Partial<NetValue> = kept;
  if (netValueLowUsd !== result.netValueUsd) out.netValueLowUsd = netValueLowUsd;
  if (netValueHighUsd !== result.netValueUsd) out.netValueHighUsd = netValueHighUsd;
  if (confidencePct !== pointConfidencePct(result.netValueUsd)) out.confidencePct = confidencePct;
  if (cd3 !== null) out.cd3 = cd3;
  if (reason !== '') out.reason = reason;
  return out;
}

/** The scorer's part: the record without its tracker state, rank and planned values. */
export function encodeRecord(record: IssueRecord): string {
  const {
    trackerId: _trackerId,
    id: _id,
    current: _current,
    rank: _rank,
    lastWrittenAt: _written,
    desired,
    pinned,
    result,
    ...rest
  } = record;
  const { rankPosition: _position, sortKey: _sortKey, ...scored } = desired;
  const stored: Raw = { ...rest, result: encodeResult(result), desired: scored };
  if (pinned) stored['pinned'] = true;
  return JSON.stringify(stored);
}

/** The record part as parsed, completed in place from where it was read. */
export function completeRecord(raw: unknown, ref: { trackerId: string; id: string }): unknown {
  if (!isObject(raw)) return raw;
  fill(raw, 'trackerId', ref.trackerId);
  fill(raw, 'id', ref.id);
  fill(raw, 'pinned', false);
  if (isObject(raw['result'])) fill(raw['result'], 'reason', '');
  return raw;
}

/** The tracker state part: what the tracker holds, and when we last wrote it (absent: never). */
export function encodeState(state: Pick<IssueRecord, 'current' | 'lastWrittenAt'>): string {
  const { current, lastWrittenAt } = state;
  return JSON.stringify(lastWrittenAt === null ? { current } : { current, lastWrittenAt });
}

/** The tracker state part as parsed, completed in place from where it was read. */
export function completeState(raw: unknown, id: string): unknown {
  if (!isObject(raw)) return raw;
  fill(raw, 'id', id);
  fill(raw, 'lastWrittenAt', null);
  return raw;
}
