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
  /** Issues whose rank, net value or status would change, in their new rank order. */
  changed: PreviewChange[];
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

const idOf = (r: Pick<IssueRecord, 'trackerId' | 'id'>): string => `${r.trackerId}\u0002${r.id}`;

const byMember = (a: IssueRecord, b: IssueRecord): number =>
  a.member < b.member ? -1 : a.member > b.member ? 1 : 0;

/** Unified positions from the ranking members (what the sorted set holds). */
function positions(records: readonly IssueRecord[]): Map<string, PreviewPosition> {
  return new Map(
    [...records]
      .sort(byMember)
      .map((item, index) => [
        idOf(item),
        { rank: index + 1, netValueUsd: item.result.netValueUsd, status: item.result.status },
      ]),
  );
}

/** What the tracker is to hold for a record at a unified position (as the planner decides it). */
function desiredAt(
  record: IssueRecord,
  position: PreviewPosition | undefined,
  connector: Connector,
  settings: ScoringSettings,
): WriteValues {
  const scored = record.result.status === 'scored';
  return connector.desired({
    result: record.result,
    rankPosition: scored ? (position?.rank ?? null) : null,
    priority: priorityBucket(record.result.netValueUsd, settings.priorityThresholdsUsd),
  });
}

/** The writes and order calls one tracker would get from the change. */
function trackerWrites(
  trackerId: string,
  pairs: readonly { before: IssueRecord; after: IssueRecord }[],
  connector: Connector,
  current: ScoringSettings,
  next: ScoringSettings,
  before: Map<string, PreviewPosition>,
  after: Map<string, PreviewPosition>,
): PreviewWrites {
  const writing = new Set<string>();
  for (const { before: b, after: a } of pairs) {
    const was = desiredAt(b, before.get(idOf(b)), connector, current);
    const will = desiredAt(a, after.get(idOf(a)), connector, next);
    if (changedValues(was, will)) writing.add(a.id);
  }
  let moved = 0;
  let orderCalls = 0;
  const order = connector.order ?? null;
  if (order) {
    const currentOrder = pairs.map((p) => p.before).sort(byMember);
    const target = pairs
      .map((p) => p.after)
      .sort(byMember)
      .map((r) => r.id);
    const pinned = new Set(pairs.filter((p) => p.before.pinned).map((p) => p.before.id));
    const plan = planMoves(
      currentOrder.map((r) => r.id),
      target,
      pinned,
    );
    const ranks = new Map<string, TrackerRank>();
    for (const r of currentOrder) if (r.rank !== null) ranks.set(r.id, r.rank);
    const changes = order.plan(plan, ranks);
    moved = plan.moves.length;
    orderCalls = changes.steps.length;
    for (const id of changes.values.keys()) writing.add(id);
  }
  return { trackerId, issues: writing.size, moved, orderCalls };
}

/**
 * Issues whose Cost in points uses the tracker's own hours per point (a Linear tracker's
 * `cost.hoursPerPoint` or `hoursPerPointByTeam`): the global `hoursPerPoint` does not apply.
 */
function hoursPerPointOverrides(
  records: readonly IssueRecord[],
  settings: ScoringSettings,
): PreviewOverride[] {
  const byTracker = new Map<string, { issues: number; values: Set<number> }>();
  for (const r of records) {
    if (r.inputs.costUnit !== 'points' || r.inputs.hoursPerPoint === undefined) continue;
    const entry = byTracker.get(r.trackerId) ?? { issues: 0, values: new Set<number>() };
    entry.issues += 1;
    entry.values.add(r.inputs.hoursPerPoint);
    byTracker.set(r.trackerId, entry);
  }
  return [...byTracker].map(([trackerId, { issues, values }]) => {
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
  const perTracker = new Map<string, { before: IssueRecord; after: IssueRecord }[]>();
  rescored.forEach((record, i) => {
    const pairs = perTracker.get(record.trackerId) ?? [];
    pairs.push({ before: records[i] as IssueRecord, after: record });
    perTracker.set(record.trackerId, pairs);
    const from = before.get(idOf(record));
    const to = after.get(idOf(record));
    if (!from || !to) return;
    const same =
      from.rank === to.rank && from.netValueUsd === to.netValueUsd && from.status === to.status;
    if (!same)
      changed.push({ trackerId: record.trackerId, key: record.key, title: record.title, from, to });
  });
  changed.sort((a, b) => a.to.rank - b.to.rank);
  const writes = [...perTracker].map(([trackerId, pairs]) =>
    trackerWrites(trackerId, pairs, connectorFor(trackerId), current, settings, before, after),
  );
  return {
    settings,
    changed,
    unchangedCount: records.length - changed.length,
    writes,
    overrides: hoursPerPointOverrides(records, settings),
  };
}
