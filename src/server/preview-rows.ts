/**
 * What a preview keeps of every issue, one column per field (row i is one issue): no snapshot,
 * inputs or tracker values, and no object per issue. A preview of a change that moves every net
 * value keeps a row for every issue, so the layout sets its memory: columns cost a few pointers
 * per issue where objects cost some 250 bytes (README "Performance"). Keys and titles are not
 * kept: only the few issues the answer lists need them, read again once they are known.
 */
import type { Connector } from '../../connectors/connector.js';
import type {
  NetValue,
  ScoreStatus,
  ScoringSettings,
  TrackerRank,
  WriteValues,
} from '../domain/index.js';
import { rescoreRecord } from '../pipeline/score-record.js';
import { priorityBucket } from '../scoring/rank.js';
import { changedValues } from '../scoring/write-diff.js';
import type { IssueRecord } from '../store/issue-record.js';

/** The score of every row on one side of the change (before or after). */
export interface PreviewSide {
  /** The ranking member (what the sorted set holds): sorting these gives the unified ranking. */
  members: string[];
  /** Net value in $, NaN where there is none. */
  net: number[];
  status: ScoreStatus[];
}

export class PreviewRows {
  readonly trackerIds: string[] = [];
  readonly ids: string[] = [];
  readonly ranks: (TrackerRank | null)[] = [];
  /** 1 where the issue is pinned. */
  readonly pinned: number[] = [];
  readonly before: PreviewSide = { members: [], net: [], status: [] };
  readonly after: PreviewSide = { members: [], net: [], status: [] };
  /** 1 where the values written other than the rank position differ before and after. */
  readonly valuesDiffer: number[] = [];
  /** 1 where the tracker is written the unified rank position. */
  readonly writesRank: number[] = [];

  get length(): number {
    return this.ids.length;
  }

  /**
   * A window of stored records re-scored with `settings.next`, added as rows; each record can be
   * dropped once added.
   */
  add(
    records: readonly IssueRecord[],
    settings: { current: ScoringSettings; next: ScoringSettings },
    connectorFor: (trackerId: string) => Connector,
  ): this {
    for (const record of records) {
      const connector = connectorFor(record.trackerId);
      const after = rescoreRecord(record, {
        settings: settings.next,
        settingsHash: 'preview',
        connector,
      });
      const was = desiredWithoutRank(record.result, connector, settings.current);
      const will = desiredWithoutRank(after.result, connector, settings.next);
      this.trackerIds.push(record.trackerId);
      this.ids.push(record.id);
      this.ranks.push(record.rank);
      this.pinned.push(record.pinned ? 1 : 0);
      addScore(this.before, record);
      addScore(this.after, after);
      this.valuesDiffer.push(changedValues(was, will) === null ? 0 : 1);
      this.writesRank.push('rankPosition' in was ? 1 : 0);
    }
    return this;
  }
}

/** Row i's net value on one side (null where there is none). */
export function netAt(side: PreviewSide, i: number): number | null {
  const net = side.net[i] as number;
  return Number.isNaN(net) ? null : net;
}

function addScore(side: PreviewSide, { member, result }: IssueRecord): void {
  side.members.push(member);
  side.net.push(result.netValueUsd ?? Number.NaN);
  side.status.push(result.status);
}

/**
 * What the tracker is to hold for a result, as the planner decides it, without the rank position:
 * a connector copies `rankPosition` as given (connector.ts), so the position is compared apart,
 * once both orders are known, and the rest is compared when the row is made.
 */
function desiredWithoutRank(
  result: NetValue,
  connector: Connector,
  settings: ScoringSettings,
): WriteValues {
  return connector.desired({
    result,
    rankPosition: null,
    priority: priorityBucket(result.netValueUsd, settings.priorityThresholdsUsd),
  });
}

/** Compares rows by their ranking member on one side. */
export function byMemberOf(side: PreviewSide): (a: number, b: number) => number {
  const { members } = side;
  return (a, b) => {
    const ma = members[a] as string;
    const mb = members[b] as string;
    return ma < mb ? -1 : ma > mb ? 1 : 0;
  };
}
