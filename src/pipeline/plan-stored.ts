/**
 * The plan of one tracker from its stored state, in windows: it never holds every record at once
 * (README "Performance"). One pass streams the records (HSCAN windows): it drops issues a full run
 * did not see, re-scores stale ones, decides each one's values at its unified position, saves the
 * planner's own values that moved, and keeps only compact columns (id, a hash of its ranking
 * member, tracker rank, pinned, whether it needs a write). The ranking order comes from the
 * tracker's ranking set, sorted by Redis (`rankingOrder`). The order is then planned on those
 * columns in slices that yield to the event loop, and only the issues the order gives values (a
 * moved issue's sort key) are read again. Same decisions as `planTracker` on the whole tracker.
 */
import type { Connector, OrderChanges, OrderStep } from '../../connectors/connector.js';
import type { TrackerRank } from '../domain/index.js';
import type { IssueRecord } from '../store/issue-record.js';
import { parseMember, plannedOf, type Planned, type StoredWindow } from '../store/issue-store.js';
import type { RunInfo } from '../store/run-record.js';
import type { PipelineContext } from './context.js';
import {
  compareRankAt,
  decideValues,
  describe,
  NO_ORDER,
  orderLines,
  planOrder,
  type OrderColumns,
} from './plan-tracker.js';
import { PLAN_WAIT_MS, unlessTrackerBusy } from './job-errors.js';
import { rescoreStale } from './rescore.js';
import { Slicer, sortIndexes } from './yield.js';

/** Records per window: parsing one takes a few ms, so HTTP requests wait at most that long. */
export const PLAN_CHUNK = 200;

export interface StoredPlanOptions {
  /** The run the plan completes (a full one drops the issues it did not see), or null. */
  run: RunInfo | null;
  /** Re-score every record, not only those made with other settings. */
  rescore: boolean;
  /** Records per window (tests vary it; the result does not depend on it). */
  chunk?: number;
  /** Collect dry-run lines (costs a key per issue). */
  lines?: boolean;
  /** Return every decided record too (review mode's pending plan needs them all). */
  keepRecords?: boolean;
}

export interface StoredPlan {
  /** Issues planned. */
  total: number;
  /** Issues whose tracker values differ from the desired ones, in ranking order. */
  writeIds: string[];
  orderSteps: OrderStep[];
  moved: number;
  lines: string[];
  /** With `keepRecords`: the records with their decided values, in ranking order; else []. */
  records: IssueRecord[];
}

type PlanContext = Pick<
  PipelineContext,
  'store' | 'runs' | 'history' | 'logger' | 'settings' | 'settingsHash' | 'limiter' | 'locks'
>;

export async function planStored(
  ctx: PlanContext,
  trackerId: string,
  connector: Connector,
  options: StoredPlanOptions,
): Promise<StoredPlan> {
  const chunk = options.chunk ?? PLAN_CHUNK;
  // Unified positions cost a walk of the ranking: only when this tracker writes them.
  const positions: Positions = connector.writes.has('rankPosition')
    ? await ctx.store.positionsOf(trackerId)
    : new Map<string, number>();
  const decided = new Map<string, IssueRecord>(); // review mode only
  const plan: Decide = {
    ctx,
    trackerId,
    connector,
    positions,
    options,
    order: NO_ORDER,
    columns: emptyColumns(),
    onDecided: options.keepRecords ? (r, desired) => decided.set(r.id, { ...r, desired }) : null,
  };
  await readColumns(plan, chunk);
  const { columns } = plan;
  const n = columns.ids.length;
  const slicer = new Slicer();
  const target = await rankingOrder(ctx, trackerId, columns);
  let moved = 0;
  const trackerOrder = connector.order;
  if (trackerOrder) {
    const orderColumns: OrderColumns = { ...columns, target };
    const planOnce = async () =>
      planOrder(
        orderColumns,
        await sortIndexes(n, compareRankAt(columns.ids, columns.ranks, target), slicer),
        trackerOrder,
      );
    ({ changes: plan.order, moved } = await planOnce());
    // Stored ranks may be stale: a tracker renumbers its ranks without touching `updated`, and
    // even a full pull reads its pages over seconds while the previous plan's rank calls land
    // (a mix of before and after; the soak saw the same issues moved every second for a
    // minute). Before moving anything, plan again on the order the tracker has now, unless a
    // full pull has just read every rank with none of our rank calls landing meanwhile.
    if (moved > 0 && trackerOrder.currentRanks && !(await pulledRanksHold(ctx, options.run))) {
      const currentRanks = trackerOrder.currentRanks.bind(trackerOrder);
      if (await refreshRanks(ctx, trackerId, columns, currentRanks))
        ({ changes: plan.order, moved } = await planOnce());
    }
  }
  if (plan.order.values.size > 0) await decideOrdered(plan, chunk);

  const writeIds: string[] = [];
  const lines: string[] = [];
  for (const i of target) {
    if (columns.writes[i] === 1) writeIds.push(columns.ids[i] as string);
    const line = columns.lines.get(i);
    if (line !== undefined) lines.push(line);
  }
  const { steps } = plan.order;
  if (options.lines) {
    const keyOf = new Map(columns.ids.map((id, i) => [id, columns.keys[i] as string]));
    lines.push(...orderLines(trackerId, steps, (id) => keyOf.get(id)));
  }
  const records = options.keepRecords
    ? Array.from(target, (i) => decided.get(columns.ids[i] as string)).filter(
        (r): r is IssueRecord => r !== undefined,
      )
    : [];
  return { total: n, writeIds, orderSteps: steps, moved, lines, records };
}

/** Pass 1's compact columns (index i is one issue) and what the rest of the plan needs. */
interface Columns {
  ids: string[];
  /** Row of each id (HSCAN may return an id twice while the hash grows: the first is kept). */
  rowOf: Map<string, number>;
  /** `memberHash` of the ranking member each row was read with. */
  memberHashes: number[];
  ranks: (TrackerRank | null)[];
  keys: string[];
  pinned: Set<string>;
  /** 1 where issue i's values differ from what the tracker holds. */
  writes: number[];
  /** Dry-run lines by issue index. */
  lines: Map<number, string>;
}

function emptyColumns(): Columns {
  return {
    ids: [],
    rowOf: new Map(),
    memberHashes: [],
    ranks: [],
    keys: [],
    pinned: new Set(),
    writes: [],
    lines: new Map(),
  };
}

type Positions = ReadonlyMap<string, number>;

/** What deciding a record's values needs, and where the decisions go. */
interface Decide {
  ctx: PlanContext;
  trackerId: string;
  connector: Connector;
  positions: Positions;
  options: StoredPlanOptions;
  order: OrderChanges;
  columns: Columns;
  /** Told each record and its decided values (review mode keeps them); null: nobody asks. */
  onDecided: ((record: IssueRecord, desired: IssueRecord['desired']) => void) | null;
}

/**
 * Decides issue i's values (with its order values, once the order is planned); the planner's own
 * values to save when they moved, else null.
 */
function decide(
  plan: Decide,
  i: number,
  record: IssueRecord,
): { id: string; planned: Planned } | null {
  const { desired, changes } = decideValues(
    record,
    plan.positions.get(record.id) ?? null,
    plan.order.values.get(record.id),
    plan.connector,
    plan.ctx.settings,
  );
  plan.columns.writes[i] = changes ? 1 : 0;
  if (plan.options.lines) {
    if (changes) plan.columns.lines.set(i, describe(record, changes));
    else plan.columns.lines.delete(i);
  }
  plan.onDecided?.(record, desired);
  // Only the planner's own values are saved, and only where they moved: a score saved meanwhile
  // by a webhook's job is never overwritten with the older one read here.
  const next = plannedOf(desired);
  return JSON.stringify(next) === JSON.stringify(plannedOf(record.desired))
    ? null
    : { id: record.id, planned: next };
}

/** Saves the planner's values decided for a window. */
async function savePlanned(
  plan: Decide,
  entries: ({ id: string; planned: Planned } | null)[],
): Promise<void> {
  const moved = entries.filter((e): e is { id: string; planned: Planned } => e !== null);
  await plan.ctx.store.putPlanned(plan.trackerId, moved);
}

/** The pass: every stored record once, window by window, decided and reduced to columns. */
async function readColumns(plan: Decide, chunk: number): Promise<void> {
  const { ctx, trackerId, options } = plan;
  const { run } = options;
  // A full run saw every issue in scope: the rest left the scope (done, moved, deleted).
  const pass: Pass = {
    seen: run && run.full && !run.pullFailed ? await ctx.runs.seen(run.runId) : null,
    removed: new Set<string>(),
    gone: [],
  };
  // Only the window's JSON and its small decisions are held while Redis answers (scanStored).
  for await (const stored of ctx.store.scanStored(trackerId, chunk))
    await savePlanned(plan, await passWindow(plan, pass, stored));
  if (pass.gone.length > 0)
    ctx.logger.info({ runId: run?.runId, removed: pass.gone }, 'issues left the scope');
}

/** What the pass keeps from window to window. */
interface Pass {
  /** The ids a full run saw (null: not a full run, nothing is dropped). */
  seen: ReadonlySet<string> | null;
  /** Ids of the issues dropped (HSCAN may return one again, as a row's id: `Columns.rowOf`). */
  removed: Set<string>;
  /** Keys of the issues dropped. */
  gone: string[];
}

/** One window of the pass: its records parsed, decided and reduced to columns, then dropped. */
async function passWindow(
  plan: Decide,
  pass: Pass,
  stored: StoredWindow,
): Promise<({ id: string; planned: Planned } | null)[]> {
  const { ctx, columns, options } = plan;
  const fresh: IssueRecord[] = [];
  for (const record of ctx.store.parseWindow(stored)) {
    if (plan.columns.rowOf.has(record.id) || pass.removed.has(record.id)) continue;
    if (pass.seen === null || pass.seen.has(record.id)) fresh.push(record);
    else {
      pass.removed.add(record.id);
      await ctx.store.remove(record);
      pass.gone.push(record.key);
    }
  }
  const rescored = await rescoreStale(ctx, plan.connector, fresh, options.rescore);
  return rescored.map((record) => {
    const i = columns.ids.length;
    columns.ids.push(record.id);
    columns.rowOf.set(record.id, i);
    columns.memberHashes.push(memberHash(record.member));
    columns.ranks.push(record.rank);
    if (options.lines) columns.keys.push(record.key);
    if (record.pinned) columns.pinned.add(record.id);
    return decide(plan, i, record);
  });
}

/**
 * The rows in ranking order, from the tracker's ranking set, which Redis keeps sorted by member
 * (ranking-reader.ts): the plan holds a hash of each row's member, not the member (a hundred bytes,
 * the largest of its columns; README "Performance"). A row takes its place from the member it was
 * read with; when the set no longer holds that one (re-scored since), from the first member of its
 * issue; when it holds none, it goes last. A member of an issue with no row is passed over. An
 * issue re-scored during the walk, from ahead of it to behind it, is the one left unplaced: that
 * score's own debounced plan follows within `sync.rankSettleMs` and places it.
 */
async function rankingOrder(
  ctx: PlanContext,
  trackerId: string,
  columns: Columns,
): Promise<Int32Array> {
  const n = columns.ids.length;
  const placeOf = new Int32Array(n).fill(-1);
  const exact = new Uint8Array(n);
  let place = 0;
  for await (const members of ctx.store.trackerRanking(trackerId)) {
    for (const member of members) {
      const i = columns.rowOf.get(parseMember(member).id);
      if (i !== undefined && exact[i] === 0) {
        if (memberHash(member) === columns.memberHashes[i]) {
          exact[i] = 1;
          placeOf[i] = place;
        } else if (placeOf[i] === -1) placeOf[i] = place;
      }
      place += 1;
    }
  }
  const rowAt = new Int32Array(place + n).fill(-1);
  for (let i = 0; i < n; i++) rowAt[placeOf[i] === -1 ? place + i : (placeOf[i] as number)] = i;
  return rowAt.filter((i) => i !== -1);
}

/** A 32-bit hash of a ranking member (FNV-1a): tells whether the set holds a row's member. */
function memberHash(member: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < member.length; k++) hash = Math.imul(hash ^ member.charCodeAt(k), 0x01000193);
  return hash | 0;
}

/**
 * The issues the order gives values (Linear: a moved issue's sort key) are read again and decided
 * with them; the pass decided every other issue already.
 */
async function decideOrdered(plan: Decide, chunk: number): Promise<void> {
  const { columns } = plan;
  const ids = [...plan.order.values.keys()].filter((id) => columns.rowOf.has(id));
  for (let start = 0; start < ids.length; start += chunk) {
    const records = await plan.ctx.store.getMany(plan.trackerId, ids.slice(start, start + chunk));
    const planned = records.map((record) =>
      // A record removed meanwhile is left out.
      record === null ? null : decide(plan, columns.rowOf.get(record.id) as number, record),
    );
    await savePlanned(plan, planned);
  }
}

/**
 * Whether the ranks the run pulled are the board's: a full run whose pull finished, with no rank
 * call of ours answered since it started (WriteLocks.noteRankCall). Another tool's moves during
 * those seconds are no likelier than during the board read itself; a later plan sees them.
 */
async function pulledRanksHold(ctx: PlanContext, run: RunInfo | null): Promise<boolean> {
  if (!run?.full || run.pullFailed || run.rankCallsAtStart === null) return false;
  const held = (await ctx.locks.rankCalls(run.trackerId)) === run.rankCallsAtStart;
  if (held) ctx.logger.debug({ trackerId: run.trackerId, runId: run.runId }, 'pulled ranks hold');
  return held;
}

/** The tracker's current ranks into the columns (saved); false when they could not be read. */
async function refreshRanks(
  ctx: PlanContext,
  trackerId: string,
  columns: Columns,
  currentRanks: () => Promise<Map<string, TrackerRank>>,
): Promise<boolean> {
  let ranks: Map<string, TrackerRank>;
  // A plan holds a slot of the shared score queue (and its process's plan chain): a tracker
  // that may not be called for long sends the plan job to wait outside it (job-errors.ts).
  await unlessTrackerBusy(ctx.limiter, trackerId, PLAN_WAIT_MS);
  try {
    await ctx.limiter.readTurn(trackerId); // paced like every read (waits out a pause)
    ranks = await currentRanks();
  } catch (err) {
    ctx.logger.warn(
      { trackerId, err: err instanceof Error ? err.message : String(err) },
      'could not read the current order; planning on stored ranks',
    );
    return false;
  }
  const changed = new Map<string, TrackerRank>();
  columns.ids.forEach((id, i) => {
    const rank = ranks.get(id);
    if (rank === undefined || rank === columns.ranks[i]) return;
    changed.set(id, rank);
    columns.ranks[i] = rank;
  });
  await ctx.store.putRanks(trackerId, changed);
  return true;
}
