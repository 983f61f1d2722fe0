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
  RankBy,
  RankOrder,
  ScoreStatus,
  ScoringSettings,
  TrackerRank,
} from '../domain/index.js';
import { planOrder, type OrderColumns } from '../pipeline/plan-tracker.js';
import { DEFAULT_SCORING_SETTINGS } from '../scoring/defaults.js';
import { formatNumber } from '../scoring/format.js';
import type { IssueRecord } from '../store/issue-record.js';
import { byMemberOf, netAt, PreviewRows, type PreviewSide } from './preview-rows.js';

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

/** Row indexes in ranking order before and after the change. */
export interface PreviewOrders {
  before: ArrayLike<number>;
  after: ArrayLike<number>;
}

function sortedOrders(rows: PreviewRows): PreviewOrders {
  const indexes = Array.from({ length: rows.length }, (_, i) => i);
  return {
    before: [...indexes].sort(byMemberOf(rows.before)),
    after: [...indexes].sort(byMemberOf(rows.after)),
  };
}

/** 1-based unified rank of each row (by row index) in one order. */
function ranksOf(n: number, order: ArrayLike<number>): Int32Array {
  const rank = new Int32Array(n);
  for (let i = 0; i < order.length; i++) rank[order[i] as number] = i + 1;
  return rank;
}

function positionOf(side: PreviewSide, i: number, rank: number): PreviewPosition {
  return { rank, netValueUsd: netAt(side, i), status: side.status[i] as ScoreStatus };
}

/** The rank position written for a score at a unified rank (unscored issues get none). */
function positionAt(side: PreviewSide, i: number, rank: number): number | null {
  return side.status[i] === 'scored' ? rank : null;
}

/** One tracker's row indexes in an order (counted, then filled: no array grown by doubling). */
function rowsOf(rows: PreviewRows, trackerId: string, order: ArrayLike<number>): Int32Array {
  let count = 0;
  for (let k = 0; k < order.length; k++)
    if (rows.trackerIds[order[k] as number] === trackerId) count++;
  const mine = new Int32Array(count);
  let j = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (rows.trackerIds[i] === trackerId) mine[j++] = i;
  }
  return mine;
}

/**
 * The writes and order calls one tracker would get from the change. Its order is planned as the
 * plan job plans it (`planOrder`, on positions), from the current ranking to the new one.
 */
function trackerWrites(
  trackerId: string,
  rows: PreviewRows,
  orders: PreviewOrders,
  ranks: { before: Int32Array; after: Int32Array },
  connector: Connector,
): PreviewWrites {
  const currentRows = rowsOf(rows, trackerId, orders.before);
  const writing = new Uint8Array(currentRows.length);
  currentRows.forEach((i, j) => {
    const was = positionAt(rows.before, i, ranks.before[i] as number);
    const will = positionAt(rows.after, i, ranks.after[i] as number);
    if (rows.valuesDiffer[i] === 1 || (rows.writesRank[i] === 1 && was !== will)) writing[j] = 1;
  });
  let moved = 0;
  let orderCalls = 0;
  const order = connector.order ?? null;
  if (order) {
    // The tracker's columns, indexed by place in its current order (j).
    // Plain loops into arrays of their final size: `Array.from` over a typed array goes through
    // its iterator, and at 500,000 issues a tracker these transient arrays set a preview's peak.
    const n = currentRows.length;
    const place = new Int32Array(rows.length);
    const ids = new Array<string>(n);
    const ranks = new Array<TrackerRank | null>(n);
    const pinned = new Set<string>();
    for (let j = 0; j < n; j++) {
      const i = currentRows[j] as number;
      place[i] = j;
      ids[j] = rows.ids[i] as string;
      ranks[j] = rows.ranks[i] ?? null;
      if (rows.pinned[i] === 1) pinned.add(ids[j] as string);
    }
    const target = rowsOf(rows, trackerId, orders.after);
    for (let j = 0; j < n; j++) target[j] = place[target[j] as number] as number;
    const columns: OrderColumns = { ids, ranks, pinned, target };
    const identity = Int32Array.from({ length: n }, (_, j) => j);
    const planned = planOrder(columns, identity, order);
    moved = planned.moved;
    orderCalls = planned.changes.steps.length;
    columns.ids.forEach((id, j) => {
      if (planned.changes.values.has(id)) writing[j] = 1;
    });
  }
  return { trackerId, issues: writing.reduce((sum, w) => sum + w, 0), moved, orderCalls };
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

/** An issue as a preview lists it. */
export interface PreviewLabel {
  key: string;
  title: string;
}

/** Ranks before and after, and the rows that change, in their new order. */
function changes(
  rows: PreviewRows,
  orders: PreviewOrders,
): { before: Int32Array; after: Int32Array; changed: (k: number) => boolean } {
  const before = ranksOf(rows.length, orders.before);
  const after = ranksOf(rows.length, orders.after);
  const changed = (k: number): boolean => {
    const i = orders.after[k] as number;
    return (
      before[i] !== k + 1 ||
      netAt(rows.before, i) !== netAt(rows.after, i) ||
      rows.before.status[i] !== rows.after.status[i]
    );
  };
  return { before, after, changed };
}

/** The rows the answer lists: the first `limit` that change, in their new order. */
export function listedRows(rows: PreviewRows, orders: PreviewOrders, limit: number): number[] {
  const { changed } = changes(rows, orders);
  const listed: number[] = [];
  for (let k = 0; k < orders.after.length && listed.length < limit; k++)
    if (changed(k)) listed.push(orders.after[k] as number);
  return listed;
}

/**
 * The preview of rows (every stored issue, re-scored) and the overrides counted over them;
 * `orders` may be sorted beforehand (preview-stored.ts sorts in slices that yield); `labelOf`
 * names the listed rows (`listedRows`).
 */
export function previewOf(
  rows: PreviewRows,
  overrides: PreviewOverride[],
  settings: ScoringSettings,
  connectorFor: (trackerId: string) => Connector,
  labelOf: (i: number) => PreviewLabel,
  orders: PreviewOrders = sortedOrders(rows),
  limit = Number.POSITIVE_INFINITY,
): Preview {
  const { before, after, changed: isChanged } = changes(rows, orders);
  const ranks = { before, after };
  const changed: PreviewChange[] = [];
  let changedCount = 0;
  // Trackers in the order the current ranking first names them.
  const trackers = new Set<string>();
  for (let k = 0; k < orders.before.length; k++)
    trackers.add(rows.trackerIds[orders.before[k] as number] as string);
  for (let k = 0; k < orders.after.length; k++) {
    if (!isChanged(k)) continue;
    changedCount += 1;
    // Only the first `limit` are listed: the answer stays small whatever the backlog's size.
    if (changed.length < limit) {
      const i = orders.after[k] as number;
      changed.push({
        trackerId: rows.trackerIds[i] as string,
        ...labelOf(i),
        from: positionOf(rows.before, i, before[i] as number),
        to: positionOf(rows.after, i, k + 1),
      });
    }
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
  const rows = new PreviewRows().add(records, { current, next: settings }, connectorFor);
  const labelOf = (i: number) => {
    const { key, title } = records[i] as IssueRecord;
    return { key, title };
  };
  return previewOf(rows, tally.overrides(settings), settings, connectorFor, labelOf);
}
