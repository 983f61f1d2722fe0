/** Turns a pulled issue into the stored record: score, ranking member, and values to hold. */
import type { Connector } from '../../connectors/connector.js';
import type { Issue, NetValue, ScoringSettings } from '../domain/index.js';
import { netValue } from '../scoring/net-value.js';
import { priorityBucket, rankSortKey } from '../scoring/rank.js';
import type { IssueRecord } from '../store/issue-record.js';
import { rankMember } from '../store/issue-store.js';

export interface ScoreEnv {
  settings: ScoringSettings;
  settingsHash: string;
  connector: Connector;
}

/** The record for `issue` (planned values live apart: see IssueStore). */
export function scoreRecord(
  issue: Issue,
  previous: IssueRecord | null,
  env: ScoreEnv,
): IssueRecord {
  const result = netValue(issue.inputs, env.settings);
  return {
    trackerId: issue.trackerId,
    id: issue.id,
    key: issue.key,
    title: issue.title,
    url: issue.url,
    updatedAt: issue.updatedAt,
    inputs: issue.inputs,
    result,
    current: heldValues(issue, previous),
    desired: desiredFor(result, env),
    rank: issue.rank,
    pinned: issue.pinned,
    member: rankMember(
      rankSortKey({ trackerId: issue.trackerId, key: issue.key, result }, env.settings),
      issue.trackerId,
      issue.id,
    ),
    scoredWith: env.settingsHash,
    lastWrittenAt: previous?.lastWrittenAt ?? null,
    workType: issue.workType,
  };
}

/**
 * What the tracker holds of our fields. A snapshot read before our last write landed (its
 * `updatedAt` is older than the write) would roll back what the tracker was last told and make
 * the next plan send the same value again: the recorded values win then.
 */
function heldValues(issue: Issue, previous: IssueRecord | null): IssueRecord['current'] {
  if (previous?.lastWrittenAt == null) return issue.current;
  const written = Date.parse(previous.lastWrittenAt);
  return Date.parse(issue.updatedAt) < written
    ? { ...issue.current, ...previous.current }
    : issue.current;
}

/** Re-scores a stored record with (possibly new) settings, keeping its tracker snapshot. */
export function rescoreRecord(record: IssueRecord, env: ScoreEnv): IssueRecord {
  const result = netValue(record.inputs, env.settings);
  return {
    ...record,
    result,
    desired: desiredFor(result, env),
    member: rankMember(
      rankSortKey({ trackerId: record.trackerId, key: record.key, result }, env.settings),
      record.trackerId,
      record.id,
    ),
    scoredWith: env.settingsHash,
  };
}

/** What scoring wants the tracker to hold; rank position and sort key are the planner's. */
function desiredFor(result: NetValue, env: ScoreEnv): IssueRecord['desired'] {
  const {
    rankPosition: _position,
    sortKey: _sortKey,
    ...own
  } = env.connector.desired({
    result,
    rankPosition: null,
    priority: priorityBucket(result.netValueUsd, env.settings.priorityThresholdsUsd),
  });
  return own;
}
