/**
 * What one tracker should hold after a sync or a burst of webhooks: every issue's values
 * (including its unified rank position) and the fewest rank moves. Pure: records in, plan out.
 */
import type { Connector } from '../../connectors/connector.js';
import type { RankBatch, ScoringSettings, WriteValues } from '../domain/index.js';
import { planMoves } from '../scoring/plan-moves.js';
import { toRankBatches } from '../scoring/rank-batches.js';
import { priorityBucket } from '../scoring/rank.js';
import { assignRankStrings, assignSortKeys } from '../scoring/sort-keys.js';
import { changedValues } from '../scoring/write-diff.js';
import type { IssueRecord } from '../store/issue-record.js';

export interface TrackerPlan {
  /** Records with `desired` brought up to date. */
  records: IssueRecord[];
  /** Issues whose tracker values differ from the desired ones. */
  writeIds: string[];
  /** Batch rank calls (Jira), with the rank each moved issue will have afterwards. */
  rankBatches: { batch: RankBatch; newRanks: Record<string, string> }[];
  /** Number of issues the plan moves. */
  moved: number;
  /** Human-readable changes, for dry runs and logs. */
  lines: string[];
}

function compareTrackerRank(a: IssueRecord, b: IssueRecord): number {
  const ra = a.rank;
  const rb = b.rank;
  if (ra === null || rb === null) return ra === rb ? (a.id < b.id ? -1 : 1) : ra === null ? 1 : -1;
  if (ra < rb) return -1;
  if (ra > rb) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function describe(record: IssueRecord, changes: WriteValues): string {
  const parts = Object.entries(changes).map(
    ([field, to]) =>
      `${field} ${JSON.stringify(record.current[field as keyof WriteValues] ?? null)} -> ${JSON.stringify(to)}`,
  );
  return `${record.trackerId} ${record.key}: ${parts.join(', ')}`;
}

/** Whether a tracker holds the unified rank position (so the plan must look positions up). */
export function usesRankPosition(connector: Pick<Connector, 'desired'>): boolean {
  const probe = connector.desired({
    result: {
      status: 'scored',
      valueUsdPerMonth: 0,
      costUsd: 0,
      netValueUsd: 0,
      reason: '',
      explanation: '',
    },
    rankPosition: 1,
    priority: null,
  });
  return probe.rankPosition !== undefined;
}

export function planTracker(
  records: readonly IssueRecord[],
  positions: ReadonlyMap<string, number | null>,
  connector: Pick<Connector, 'desired' | 'rankStyle' | 'maxRankBatch'>,
  settings: ScoringSettings,
): TrackerPlan {
  const byId = new Map(records.map((r) => [r.id, r]));
  const target = [...records]
    .sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0))
    .map((r) => r.id);
  const current = [...records].sort(compareTrackerRank).map((r) => r.id);
  const pinned = new Set(records.filter((r) => r.pinned).map((r) => r.id));
  const rankPlan = connector.rankStyle === 'none' ? null : planMoves(current, target, pinned);

  const sortKeys =
    rankPlan && connector.rankStyle === 'sortKey'
      ? assignSortKeys(
          rankPlan,
          new Map(
            records.filter((r) => typeof r.rank === 'number').map((r) => [r.id, r.rank as number]),
          ),
        )
      : new Map<string, number>();

  const lines: string[] = [];
  const writeIds: string[] = [];
  const updated = records.map((record) => {
    const scored = record.result.status === 'scored';
    const desired: WriteValues = connector.desired({
      result: record.result,
      rankPosition: scored ? (positions.get(record.id) ?? null) : null,
      priority: priorityBucket(record.result.netValueUsd, settings.priorityThresholdsUsd),
    });
    const sortKey = sortKeys.get(record.id);
    if (sortKey !== undefined) desired.sortKey = sortKey;
    const next = { ...record, desired };
    const changes = changedValues(record.current, desired);
    if (changes) {
      writeIds.push(record.id);
      lines.push(describe(record, changes));
    }
    return next;
  });

  const rankBatches: TrackerPlan['rankBatches'] = [];
  if (rankPlan && connector.rankStyle === 'batch' && rankPlan.moves.length > 0) {
    const ranks = new Map(
      records.filter((r) => typeof r.rank === 'string').map((r) => [r.id, r.rank as string]),
    );
    const newRanks = assignRankStrings(rankPlan, ranks);
    for (const batch of toRankBatches(rankPlan, connector.maxRankBatch)) {
      rankBatches.push({
        batch,
        newRanks: Object.fromEntries(batch.ids.map((id) => [id, newRanks.get(id) ?? ''])),
      });
      const anchor = byId.get(batch.before ?? batch.after ?? '')?.key ?? '?';
      const keys = batch.ids.map((id) => byId.get(id)?.key ?? id).join(', ');
      lines.push(
        `${records[0]?.trackerId ?? ''} rank: ${keys} ${batch.before ? 'before' : 'after'} ${anchor}`,
      );
    }
  }
  return { records: updated, writeIds, rankBatches, moved: rankPlan?.moves.length ?? 0, lines };
}
