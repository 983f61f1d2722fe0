/**
 * What one tracker should hold after a sync or a burst of webhooks: every issue's values
 * (including its unified rank position) and the fewest order changes. Pure: records in, plan out.
 * The tracker-neutral planner picks which issues move; the connector's `order` says how its
 * tracker moves them (docs/architecture.md, "Ordering"). The plan job streams a tracker's records
 * through these pieces in windows (plan-stored.ts); `planTracker` runs them on records in memory.
 */
import type {
  Connector,
  OrderChanges,
  OrderStep,
  TrackerOrder,
} from '../../connectors/connector.js';
import type { ScoringSettings, TrackerRank, WriteValues } from '../domain/index.js';
import { planPositions } from '../scoring/plan-moves.js';
import { priorityBucket } from '../scoring/rank.js';
import { changedValues } from '../scoring/write-diff.js';
import type { IssueRecord } from '../store/issue-record.js';

export interface TrackerPlan {
  /** Records with `desired` brought up to date. */
  records: IssueRecord[];
  /** Issues whose tracker values differ from the desired ones. */
  writeIds: string[];
  /** Order calls applied in order by one rank job, each with the ranks its issues get. */
  orderSteps: OrderStep[];
  /** Number of issues the plan moves. */
  moved: number;
  /** Human-readable changes, for dry runs and logs. */
  lines: string[];
}

/** A value as shown in a change line: JSON, numbers rounded to 2 decimals (display only). */
function shown(value: unknown, round: boolean): string {
  if (round && typeof value === 'number' && Number.isFinite(value)) {
    const rounded = Math.round(value * 100) / 100;
    return JSON.stringify(Object.is(rounded, -0) ? 0 : rounded);
  }
  return JSON.stringify(value ?? null);
}

/**
 * `<tracker> <key>: <field> <from> -> <to>, ...`, what a dry run prints. Numbers are rounded for
 * display (a sort key -87594.4812345 shows as -87594.48), unless that would hide the change.
 */
export function describe(record: IssueRecord, changes: WriteValues): string {
  const parts = Object.entries(changes).map(([field, to]) => {
    const from: unknown = record.current[field as keyof WriteValues];
    const round = shown(from, true) !== shown(to, true);
    return `${field} ${shown(from, round)} -> ${shown(to, round)}`;
  });
  return `${record.trackerId} ${record.key}: ${parts.join(', ')}`;
}

export const NO_ORDER: OrderChanges = { values: new Map(), steps: [] };

/** What the tracker should hold for one record, and what of it differs from what it holds. */
export function decideValues(
  record: IssueRecord,
  position: number | null,
  orderValues: WriteValues | undefined,
  connector: Pick<Connector, 'desired'>,
  settings: ScoringSettings,
): { desired: WriteValues; changes: WriteValues | null } {
  const scored = record.result.status === 'scored';
  const desired: WriteValues = {
    ...connector.desired({
      result: record.result,
      rankPosition: scored ? position : null,
      priority: priorityBucket(record.result.netValueUsd, settings.priorityThresholdsUsd),
    }),
    ...orderValues,
  };
  return { desired, changes: changedValues(record.current, desired) };
}

/**
 * One tracker's issues as compact columns for order planning: issue i is `ids[i]`, its tracker
 * rank `ranks[i]`; `target` lists indexes in unified ranking order. Strings are shared with the
 * records they came from, so this costs a few pointers per issue.
 */
export interface OrderColumns {
  ids: readonly string[];
  ranks: readonly (TrackerRank | null)[];
  pinned: ReadonlySet<string>;
  target: ArrayLike<number>;
}

/**
 * The tracker's current order: by its own rank, unranked last (among them, by id). Issues that
 * hold the same rank (Linear sort keys can tie) have no order the tracker promises: they are
 * taken in the reverse of `target`, so the plan moves all but one of them and gives each a rank
 * of its own. Taken by id instead, a tie that the tracker shows the other way round never moved
 * (the soak saw two issues left in the wrong order by every later sync).
 */
export function compareRankAt(
  ids: readonly string[],
  ranks: readonly (TrackerRank | null)[],
  target: ArrayLike<number>,
): (a: number, b: number) => number {
  const place = new Int32Array(ids.length);
  for (let k = 0; k < target.length; k++) place[target[k] as number] = k;
  return (a, b) => {
    const ra = ranks[a] ?? null;
    const rb = ranks[b] ?? null;
    if (ra === null || rb === null) {
      if (ra !== rb) return ra === null ? 1 : -1;
      const ia = ids[a] as string;
      const ib = ids[b] as string;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    }
    if (ra < rb) return -1;
    if (ra > rb) return 1;
    return (place[b] as number) - (place[a] as number);
  };
}

/** The fewest moves from `current` (indexes in tracker order) to the target, as the tracker's calls. */
export function planOrder(
  columns: OrderColumns,
  current: ArrayLike<number>,
  order: TrackerOrder,
): { changes: OrderChanges; moved: number } {
  const { ids } = columns;
  const n = current.length;
  // Compact arrays throughout: positions in the current order, no map keyed by id.
  const positionOf = new Int32Array(ids.length);
  const currentIds: string[] = new Array<string>(n);
  const isPinned = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = current[p] as number;
    positionOf[i] = p;
    currentIds[p] = ids[i] as string;
    if (columns.pinned.has(ids[i] as string)) isPinned[p] = 1;
  }
  const target = Int32Array.from(columns.target, (i) => positionOf[i] as number);
  const rankPlan = planPositions(currentIds, target, isPinned);
  const ranks = new Map<string, TrackerRank>();
  columns.ranks.forEach((rank, i) => {
    if (rank !== null) ranks.set(ids[i] as string, rank);
  });
  return { changes: order.plan(rankPlan, ranks), moved: rankPlan.moves.length };
}

/** `<tracker> rank: <keys> before|after <anchor>` for each order step (dry runs and logs). */
export function orderLines(
  trackerId: string,
  steps: readonly OrderStep[],
  keyOf: (id: string) => string | undefined,
): string[] {
  return steps.map((step) => {
    const anchor = keyOf(step.before ?? step.after ?? '') ?? '?';
    const keys = step.ids.map((id) => keyOf(id) ?? id).join(', ');
    return `${trackerId} rank: ${keys} ${step.before ? 'before' : 'after'} ${anchor}`;
  });
}

/** The plan of records held in memory (tests, benchmarks); the plan job streams (plan-stored.ts). */
export function planTracker(
  records: readonly IssueRecord[],
  positions: ReadonlyMap<string, number | null>,
  connector: Pick<Connector, 'desired' | 'order'>,
  settings: ScoringSettings,
): TrackerPlan {
  const byId = new Map(records.map((r) => [r.id, r]));
  let moved = 0;
  let order = NO_ORDER;
  if (connector.order) {
    const ids = records.map((r) => r.id);
    const byMember = (a: number, b: number): number => {
      const ma = (records[a] as IssueRecord).member;
      const mb = (records[b] as IssueRecord).member;
      return ma < mb ? -1 : ma > mb ? 1 : 0;
    };
    const indexes = records.map((_, i) => i);
    const columns: OrderColumns = {
      ids,
      ranks: records.map((r) => r.rank),
      pinned: new Set(records.filter((r) => r.pinned).map((r) => r.id)),
      target: [...indexes].sort(byMember),
    };
    const current = [...indexes].sort(compareRankAt(ids, columns.ranks, columns.target));
    ({ changes: order, moved } = planOrder(columns, current, connector.order));
  }

  const lines: string[] = [];
  const writeIds: string[] = [];
  const updated = records.map((record) => {
    const { desired, changes } = decideValues(
      record,
      positions.get(record.id) ?? null,
      order.values.get(record.id),
      connector,
      settings,
    );
    if (changes) {
      writeIds.push(record.id);
      lines.push(describe(record, changes));
    }
    return { ...record, desired };
  });

  const trackerId = records[0]?.trackerId ?? '';
  lines.push(...orderLines(trackerId, order.steps, (id) => byId.get(id)?.key));
  return { records: updated, writeIds, orderSteps: order.steps, moved, lines };
}
