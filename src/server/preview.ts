/**
 * What a change of the scoring settings would do, computed in memory: every stored record is
 * re-scored with the new settings, both sets are ranked, and the issues whose rank, net value or
 * status would change are listed, with what applying it would cost in tracker writes and where a
 * tracker's own setting keeps a global one from applying. Pure: no Redis, no queue, no tracker
 * call, no clock.
 */
import type { Connector } from '../../connectors/connector.js';
import type {
  MetricSetting,
  NetValue,
  RankBy,
  RankOrder,
  ScoreStatus,
  ScoringSettings,
  TrackerRank,
  WriteValues,
} from '../domain/index.js';
import { rescoreRecord } from '../pipeline/score-record.js';
import { DEFAULT_SCORING_SETTINGS } from '../scoring/defaults.js';
import { formatNumber } from '../scoring/format.js';
import { planMoves } from '../scoring/plan-moves.js';
import { priorityBucket } from '../scoring/rank.js';
import { changedValues } from '../scoring/write-diff.js';
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

/** What applying the change would cost one tracker. */
export interface PreviewWrites {
  trackerId: string;
  /** Issues whose written values (net value, risk figures, position, priority, note, sort key) change. */
  issues: number;
  /** Issues the tracker's own order would move (0 when config leaves its order alone). */
  moved: number;
  /** Order calls besides the writes (Jira rank calls of up to 50 issues; Linear: none). */
  orderCalls: number;
}

/** A tracker whose own setting wins over a global one for some of its issues. */
export interface PreviewOverride {
  trackerId: string;
  /** The global setting it overrides (`hoursPerPoint`). */
  setting: 'hoursPerPoint';
  /** Issues of the tracker the override applies to. */
  issues: number;
  /** The tracker's own values in force. */
  values: number[];
  message: string;
}

export interface Preview {
  settings: ScoringSettings;
  /** Issues whose rank, net value or status would change, in their new rank order (the first `limit`). */
  changed: PreviewChange[];
  /** How many issues would change (`changed` may list fewer). */
  changedCount: number;
  unchangedCount: number;
  /** Per configured tracker holding issues: the writes applying the change would cost. */
  writes: PreviewWrites[];
  /** Trackers whose own settings keep a global one from applying to some of their issues. */
  overrides: PreviewOverride[];
}

/** Partial settings over the current ones (thresholds merge key by key; metrics by id). */
export interface SettingsPatch {
  horizonMonths?: number | undefined;
  hourlyRateUsd?: number | undefined;
  hoursPerPoint?: number | undefined;
  missingInput?: ScoringSettings['missingInput'] | undefined;
  priorityThresholdsUsd?: { high?: number | undefined; medium?: number | undefined } | undefined;
  rankBy?: RankBy | undefined;
  order?: RankOrder | undefined;
  /** Baselines to try by metric id (the metric must be configured), or whole new metrics. */
  metrics?:
    | Record<
        string,
        { name?: string | undefined; baselineUsdPerMonth?: number | undefined } | undefined
      >
    | undefined;
}

function mergeMetrics(
  current: Record<string, MetricSetting>,
  patch: SettingsPatch['metrics'],
): Record<string, MetricSetting> {
  const merged: Record<string, MetricSetting> = { ...current };
  for (const [id, change] of Object.entries(patch ?? {})) {
    if (change === undefined) continue;
    const now = current[id];
    merged[id] = {
      name: change.name ?? now?.name ?? id,
      baselineUsdPerMonth: change.baselineUsdPerMonth ?? now?.baselineUsdPerMonth ?? 0,
    };
  }
  return merged;
}

export function mergeSettings(
  current: ScoringSettings,
  patch: SettingsPatch,
): Required<ScoringSettings> {
  const pick = <T>(next: T | undefined, now: T): T => (next === undefined ? now : next);
  const D = DEFAULT_SCORING_SETTINGS;
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
    rankBy: pick(patch.rankBy, current.rankBy ?? D.rankBy),
    order: pick(patch.order, current.order ?? D.order),
    metrics: mergeMetrics(current.metrics ?? D.metrics, patch.metrics),
  };
}

/**
 * What a preview keeps of a record's score: its ranking member, net value and status (the rest of
 * the result only matters through the values written, compared once in `previewRows`).
 */
interface Scored {
  member: string;
  netValueUsd: number | null;
  status: ScoreStatus;
}

/**
 * What a preview keeps of one record: no snapshot, inputs or tracker values, so the state can be
 * read window by window (preview-stored.ts) and each window's records dropped.
 */
export interface PreviewRow {
  trackerId: string;
  id: string;
  key: string;
  title: string;
  pinned: boolean;
  rank: TrackerRank | null;
  before: Scored;
  after: Scored;
  /** Whether the values written other than the rank position differ before and after. */
  valuesDiffer: boolean;
  /** Whether the tracker is written the unified rank position. */
  writesRank: boolean;
}

/** Row indexes in ranking order before and after the change. */
export interface PreviewOrders {
  before: ArrayLike<number>;
  after: ArrayLike<number>;
}

/** Compares rows by their ranking member before or after (what the sorted set holds). */
export function byMemberOf(
  rows: readonly PreviewRow[],
  side: 'before' | 'after',
): (a: number, b: number) => number {
  // One flat array: the comparator runs n log n times.
  const members = rows.map((row) => row[side].member);
  return (a, b) => {
    const ma = members[a] as string;
    const mb = members[b] as string;
    return ma < mb ? -1 : ma > mb ? 1 : 0;
  };
}

function sortedOrders(rows: readonly PreviewRow[]): PreviewOrders {
  const indexes = rows.map((_, i) => i);
  return {
    before: [...indexes].sort(byMemberOf(rows, 'before')),
    after: [...indexes].sort(byMemberOf(rows, 'after')),
  };
}

/** 1-based unified rank of each row (by row index) in one order. */
function ranksOf(n: number, order: ArrayLike<number>): Int32Array {
  const rank = new Int32Array(n);
  for (let i = 0; i < order.length; i++) rank[order[i] as number] = i + 1;
  return rank;
}

function positionOf(scored: Scored, rank: number): PreviewPosition {
  return { rank, netValueUsd: scored.netValueUsd, status: scored.status };
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

/** The rank position written for a score at a unified rank (unscored issues get none). */
function positionAt(scored: Scored, rank: number): number | null {
  return scored.status === 'scored' ? rank : null;
}

/** The writes and order calls one tracker would get from the change. */
function trackerWrites(
  trackerId: string,
  rows: readonly PreviewRow[],
  orders: PreviewOrders,
  ranks: { before: Int32Array; after: Int32Array },
  connector: Connector,
): PreviewWrites {
  const writing = new Set<string>();
  const mine = (order: ArrayLike<number>): number[] =>
    Array.from(order).filter((i) => (rows[i] as PreviewRow).trackerId === trackerId);
  const currentOrder = mine(orders.before);
  for (const i of currentOrder) {
    const row = rows[i] as PreviewRow;
    const was = positionAt(row.before, ranks.before[i] as number);
    const will = positionAt(row.after, ranks.after[i] as number);
    if (row.valuesDiffer || (row.writesRank && was !== will)) writing.add(row.id);
  }
  let moved = 0;
  let orderCalls = 0;
  const order = connector.order ?? null;
  if (order) {
    const idOf = (i: number): string => (rows[i] as PreviewRow).id;
    const pinned = new Set(currentOrder.filter((i) => rows[i]?.pinned).map(idOf));
    const plan = planMoves(currentOrder.map(idOf), mine(orders.after).map(idOf), pinned);
    const trackerRanks = new Map<string, TrackerRank>();
    for (const i of currentOrder) {
      const rank = (rows[i] as PreviewRow).rank;
      if (rank !== null) trackerRanks.set(idOf(i), rank);
    }
    const changes = order.plan(plan, trackerRanks);
    moved = plan.moves.length;
    orderCalls = changes.steps.length;
    for (const id of changes.values.keys()) writing.add(id);
  }
  return { trackerId, issues: writing.size, moved, orderCalls };
}

/**
 * Issues whose Cost in points uses the tracker's own hours per point (a Linear tracker's
 * `cost.hoursPerPoint` or `hoursPerPointByTeam`): the global `hoursPerPoint` does not apply.
 * Counted window by window (`add`), reported once (`overrides`).
 */
export class OverrideTally {
  private readonly byTracker = new Map<string, { issues: number; values: Set<number> }>();

  add(records: readonly IssueRecord[]): void {
    for (const r of records) {
      if (r.inputs.costUnit !== 'points' || r.inputs.hoursPerPoint === undefined) continue;
      const entry = this.byTracker.get(r.trackerId) ?? { issues: 0, values: new Set<number>() };
      entry.issues += 1;
      entry.values.add(r.inputs.hoursPerPoint);
      this.byTracker.set(r.trackerId, entry);
    }
  }

  overrides(settings: ScoringSettings): PreviewOverride[] {
    return [...this.byTracker].map(([trackerId, { issues, values }]) => {
      const list = [...values].sort((a, b) => a - b);
      const perPoint = list.map((v) => `${formatNumber(v)} h/pt`).join(', ');
      return {
        trackerId,
        setting: 'hoursPerPoint' as const,
        issues,
        values: list,
        message: `tracker ${trackerId}: ${issues} issue${issues === 1 ? '' : 's'} estimated in points use${issues === 1 ? 's' : ''} the tracker's own hours per point (${perPoint}: its cost.hoursPerPoint or hoursPerPointByTeam), so scoring.hoursPerPoint (${formatNumber(settings.hoursPerPoint)}) does not change ${issues === 1 ? 'it' : 'them'}`,
      };
    });
  }
}

/** A window of stored records re-scored with `settings`, reduced to preview rows. */
export function previewRows(
  records: readonly IssueRecord[],
  settings: { current: ScoringSettings; next: ScoringSettings },
  connectorFor: (trackerId: string) => Connector,
): PreviewRow[] {
  return records.map((record) => {
    const connector = connectorFor(record.trackerId);
    const after = rescoreRecord(record, {
      settings: settings.next,
      settingsHash: 'preview',
      connector,
    });
    const was = desiredWithoutRank(record.result, connector, settings.current);
    const will = desiredWithoutRank(after.result, connector, settings.next);
    const scored = ({ member, result }: IssueRecord): Scored => ({
      member,
      netValueUsd: result.netValueUsd,
      status: result.status,
    });
    return {
      trackerId: record.trackerId,
      id: record.id,
      key: record.key,
      title: record.title,
      pinned: record.pinned,
      rank: record.rank,
      before: scored(record),
      after: scored(after),
      valuesDiffer: changedValues(was, will) !== null,
      writesRank: 'rankPosition' in was,
    };
  });
}

/**
 * The preview of rows (every stored issue, re-scored) and the overrides counted over them;
 * `orders` may be sorted beforehand (preview-stored.ts sorts in slices that yield).
 */
export function previewOf(
  rows: readonly PreviewRow[],
  overrides: PreviewOverride[],
  settings: ScoringSettings,
  connectorFor: (trackerId: string) => Connector,
  orders: PreviewOrders = sortedOrders(rows),
  limit = Number.POSITIVE_INFINITY,
): Preview {
  const ranks = {
    before: ranksOf(rows.length, orders.before),
    after: ranksOf(rows.length, orders.after),
  };
  const changed: PreviewChange[] = [];
  let changedCount = 0;
  // Trackers in the order the current ranking first names them.
  const trackers = new Set(Array.from(orders.before, (i) => (rows[i] as PreviewRow).trackerId));
  for (let k = 0; k < orders.after.length; k++) {
    const i = orders.after[k] as number;
    const row = rows[i] as PreviewRow;
    const from = positionOf(row.before, ranks.before[i] as number);
    const to = positionOf(row.after, k + 1);
    const same =
      from.rank === to.rank && from.netValueUsd === to.netValueUsd && from.status === to.status;
    if (same) continue;
    changedCount += 1;
    // Only the first `limit` are listed: the answer stays small whatever the backlog's size.
    if (changed.length < limit)
      changed.push({ trackerId: row.trackerId, key: row.key, title: row.title, from, to });
  }
  const writes = [...trackers].map((trackerId) =>
    trackerWrites(trackerId, rows, orders, ranks, connectorFor(trackerId)),
  );
  return {
    settings,
    changed,
    changedCount,
    unchangedCount: rows.length - changedCount,
    writes,
    overrides,
  };
}

/**
 * `records` as stored (their results and ranking members give the current ranking, made with
 * `current`); `connectorFor` supplies each tracker's mapping of a result to write values and its
 * order, which re-scoring recomputes.
 */
export function previewScoring(
  records: readonly IssueRecord[],
  settings: ScoringSettings,
  connectorFor: (trackerId: string) => Connector,
  current: ScoringSettings = settings,
): Preview {
  const tally = new OverrideTally();
  tally.add(records);
  const rows = previewRows(records, { current, next: settings }, connectorFor);
  return previewOf(rows, tally.overrides(settings), settings, connectorFor);
}
