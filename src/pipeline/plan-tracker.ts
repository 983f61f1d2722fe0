/**
 * What one tracker should hold after a sync or a burst of webhooks: every issue's values
 * (including its unified rank position) and the fewest order changes. Pure: records in, plan out.
 * The tracker-neutral planner picks which issues move; the connector's `order` says how its
 * tracker moves them (docs/architecture.md, "Ordering").
 */
import type { Connector, OrderChanges, OrderStep } from '../../connectors/connector.js';
import type { ScoringSettings, TrackerRank, WriteValues } from '../domain/index.js';
import { planMoves } from '../scoring/plan-moves.js';
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

function compareTrackerRank(a: IssueRecord, b: IssueRecord): number {
  const ra = a.rank;
  const rb = b.rank;
  if (ra === null || rb === null) return ra === rb ? (a.id < b.id ? -1 : 1) : ra === null ? 1 : -1;
  if (ra < rb) return -1;
  if (ra > rb) return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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
function describe(record: IssueRecord, changes: WriteValues): string {
  const parts = Object.entries(changes).map(([field, to]) => {
    const from: unknown = record.current[field as keyof WriteValues];
    const round = shown(from, true) !== shown(to, true);
    return `${field} ${shown(from, round)} -> ${shown(to, round)}`;
  });
  return `${record.trackerId} ${record.key}: ${parts.join(', ')}`;
}

const NO_ORDER: OrderChanges = { values: new Map(), steps: [] };

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
    const target = [...records]
      .sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0))
      .map((r) => r.id);
    const current = [...records].sort(compareTrackerRank).map((r) => r.id);
    const pinned = new Set(records.filter((r) => r.pinned).map((r) => r.id));
    const rankPlan = planMoves(current, target, pinned);
    const ranks = new Map<string, TrackerRank>();
    for (const r of records) if (r.rank !== null) ranks.set(r.id, r.rank);
    order = connector.order.plan(rankPlan, ranks);
    moved = rankPlan.moves.length;
  }

  const lines: string[] = [];
  const writeIds: string[] = [];
  const updated = records.map((record) => {
    const scored = record.result.status === 'scored';
    const desired: WriteValues = {
      ...connector.desired({
        result: record.result,
        rankPosition: scored ? (positions.get(record.id) ?? null) : null,
        priority: priorityBucket(record.result.netValueUsd, settings.priorityThresholdsUsd),
      }),
      ...order.values.get(record.id),
    };
    const changes = changedValues(record.current, desired);
    if (changes) {
      writeIds.push(record.id);
      lines.push(describe(record, changes));
    }
    return { ...record, desired };
  });

  const trackerId = records[0]?.trackerId ?? '';
  for (const step of order.steps) {
    const anchor = byId.get(step.before ?? step.after ?? '')?.key ?? '?';
    const keys = step.ids.map((id) => byId.get(id)?.key ?? id).join(', ');
    lines.push(`${trackerId} rank: ${keys} ${step.before ? 'before' : 'after'} ${anchor}`);
  }
  return { records: updated, writeIds, orderSteps: order.steps, moved, lines };
}
