/**
 * What a change of the scoring settings would do, computed in memory: every stored record is
 * re-scored with the new settings, both sets are ranked, and the issues whose rank, net value or
 * status would change are listed. Pure: no Redis, no queue, no tracker call, no clock.
 */
import type { Connector } from '../../connectors/connector.js';
import type { ScoreStatus, ScoringSettings } from '../domain/index.js';
import { rescoreRecord } from '../pipeline/score-record.js';
import { rankItems } from '../scoring/rank.js';
import type { IssueRecord } from '../store/issue-record.js';

export interface PreviewPosition {
  rank: number;
  netValueUsd: number | null;
  status: ScoreStatus;
}

export interface PreviewChange {
  trackerId: string;
  key: string;
  title: string;
  from: PreviewPosition;
  to: PreviewPosition;
}

export interface Preview {
  settings: ScoringSettings;
  /** Issues whose rank, net value or status would change, in their new rank order. */
  changed: PreviewChange[];
  unchangedCount: number;
}

/** Partial settings over the current ones (thresholds merge key by key). */
export interface SettingsPatch {
  horizonMonths?: number | undefined;
  hourlyRateUsd?: number | undefined;
  hoursPerPoint?: number | undefined;
  missingInput?: ScoringSettings['missingInput'] | undefined;
  priorityThresholdsUsd?: { high?: number | undefined; medium?: number | undefined } | undefined;
}

export function mergeSettings(current: ScoringSettings, patch: SettingsPatch): ScoringSettings {
  const pick = <T>(next: T | undefined, now: T): T => (next === undefined ? now : next);
  const thresholds = patch.priorityThresholdsUsd ?? {};
  return {
    horizonMonths: pick(patch.horizonMonths, current.horizonMonths),
    hourlyRateUsd: pick(patch.hourlyRateUsd, current.hourlyRateUsd),
    hoursPerPoint: pick(patch.hoursPerPoint, current.hoursPerPoint),
    missingInput: pick(patch.missingInput, current.missingInput),
    priorityThresholdsUsd: {
      high: pick(thresholds.high, current.priorityThresholdsUsd.high),
      medium: pick(thresholds.medium, current.priorityThresholdsUsd.medium),
    },
  };
}

const idOf = (r: Pick<IssueRecord, 'trackerId' | 'id'>): string => `${r.trackerId}\u0002${r.id}`;

function positions(records: readonly IssueRecord[]): Map<string, PreviewPosition> {
  return new Map(
    rankItems(records).map(({ item, rank }) => [
      idOf(item),
      { rank, netValueUsd: item.result.netValueUsd, status: item.result.status },
    ]),
  );
}

/**
 * `records` as stored (their results give the current ranking); `connectorFor` supplies each
 * tracker's mapping of a result to write values, which re-scoring recomputes.
 */
export function previewScoring(
  records: readonly IssueRecord[],
  settings: ScoringSettings,
  connectorFor: (trackerId: string) => Connector,
): Preview {
  const rescored = records.map((record) =>
    rescoreRecord(record, {
      settings,
      settingsHash: 'preview',
      connector: connectorFor(record.trackerId),
    }),
  );
  const before = positions(records);
  const after = positions(rescored);
  const changed: PreviewChange[] = [];
  for (const record of rescored) {
    const from = before.get(idOf(record));
    const to = after.get(idOf(record));
    if (!from || !to) continue;
    const same =
      from.rank === to.rank && from.netValueUsd === to.netValueUsd && from.status === to.status;
    if (!same)
      changed.push({ trackerId: record.trackerId, key: record.key, title: record.title, from, to });
  }
  changed.sort((a, b) => a.to.rank - b.to.rank);
  return { settings, changed, unchangedCount: records.length - changed.length };
}
