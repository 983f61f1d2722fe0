/**
 * Keeps the score history (src/store/history.ts) as scores change: per issue, what changed in
 * its inputs, net value, risk figures, status and unified rank, and why (sync, webhook, settings
 * change); per tracker and for the whole backlog, a point after each sync.
 */
import {
  ALL_TRACKERS,
  recordChanges,
  type BacklogPoint,
  type HistoryEntry,
} from '../store/history.js';
import type { IssueRecord } from '../store/issue-record.js';
import type { PipelineContext } from './context.js';

/** The `why` of history entries. */
export const HISTORY_WHY = {
  sync: 'sync',
  webhook: 'webhook',
  settings: 'settings change',
} as const;

type HistoryContext = Pick<PipelineContext, 'store' | 'history' | 'logger'>;

function warn(ctx: HistoryContext, err: unknown, what: string): void {
  ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, what);
}

/**
 * Runs `save` (which stores `records`, the new versions of `previous`) and records a history
 * entry for each record whose inputs, results or ranking member changed, with its unified rank
 * read just before and just after the save. History is best effort: a failure to record it is
 * logged, never fails the save.
 */
export async function saveWithHistory(
  ctx: HistoryContext,
  previous: readonly (IssueRecord | null)[],
  records: readonly IssueRecord[],
  why: string,
  save: () => Promise<void>,
): Promise<void> {
  const candidates = records.flatMap((record, i) => {
    const before = previous[i] ?? null;
    const changed =
      before === null ||
      before.member !== record.member ||
      recordChanges(before, record, null, null).length > 0;
    return changed ? [{ before, record }] : [];
  });
  let ranksBefore: (number | null)[] = [];
  try {
    ranksBefore = await ctx.store.positions(
      candidates.flatMap((c) => (c.before ? [c.before.member] : [])),
    );
  } catch (err) {
    warn(ctx, err, 'could not read ranks for the score history');
  }
  await save();
  if (candidates.length === 0) return;
  try {
    const ranksAfter = await ctx.store.positions(candidates.map((c) => c.record.member));
    const at = new Date().toISOString();
    let b = 0;
    const entries = candidates.flatMap(({ before, record }, i) => {
      const rankBefore = before ? (ranksBefore[b++] ?? null) : null;
      const changes = recordChanges(before, record, rankBefore, ranksAfter[i] ?? null);
      if (changes.length === 0) return [];
      const entry: HistoryEntry = { at, why, changes };
      return [{ trackerId: record.trackerId, issueId: record.id, entry }];
    });
    await ctx.history.append(entries);
  } catch (err) {
    warn(ctx, err, 'could not record the score history');
  }
}

/** The backlog point of one tracker's stored records. */
export function backlogPoint(
  trackerId: string,
  records: readonly IssueRecord[],
  at: string,
): BacklogPoint {
  const sums = { total: 0, scored: 0, positive: 0 };
  addToBacklog(sums, records);
  return pointOf(trackerId, sums, at);
}

interface BacklogSums {
  total: number;
  scored: number;
  positive: number;
}

function addToBacklog(sums: BacklogSums, records: readonly Pick<IssueRecord, 'result'>[]): void {
  for (const r of records) {
    sums.total += 1;
    if (r.result.status !== 'scored') continue;
    sums.scored += 1;
    if ((r.result.netValueUsd ?? 0) > 0) sums.positive += r.result.netValueUsd ?? 0;
  }
}

function pointOf(trackerId: string, sums: BacklogSums, at: string): BacklogPoint {
  return {
    at,
    trackerId,
    scored: sums.scored,
    needsInput: sums.total - sums.scored,
    positiveNetValueUsd: Math.round(sums.positive * 100) / 100,
  };
}

/** The backlog point of a tracker's stored records, read window by window (never all at once). */
async function storedBacklogPoint(
  ctx: HistoryContext,
  trackerId: string,
  at: string,
): Promise<BacklogPoint> {
  const sums = { total: 0, scored: 0, positive: 0 };
  const counted = new Set<string>(); // HSCAN may return an issue twice while the hash grows
  for await (const window of ctx.store.scanScores(trackerId)) {
    const fresh = window.filter((r) => !counted.has(r.id));
    for (const r of fresh) counted.add(r.id);
    addToBacklog(sums, fresh);
  }
  return pointOf(trackerId, sums, at);
}

/**
 * After a sync of `trackerId`: its point, and the whole backlog's (its point plus every other
 * configured tracker's latest). Best effort, like the per-issue history.
 */
export async function recordBacklogHistory(
  ctx: HistoryContext & Pick<PipelineContext, 'config'>,
  trackerId: string,
): Promise<void> {
  try {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const point = await storedBacklogPoint(ctx, trackerId, at);
    const others = await Promise.all(
      ctx.config.trackers.filter((t) => t.id !== trackerId).map((t) => ctx.history.latest(t.id)),
    );
    const points = [point, ...others.filter((p): p is BacklogPoint => p !== null)];
    const sum = (f: (p: BacklogPoint) => number): number =>
      points.reduce((total, p) => total + f(p), 0);
    await ctx.history.addPoints([
      point,
      {
        at,
        trackerId: ALL_TRACKERS,
        scored: sum((p) => p.scored),
        needsInput: sum((p) => p.needsInput),
        positiveNetValueUsd: Math.round(sum((p) => p.positiveNetValueUsd) * 100) / 100,
      },
    ]);
  } catch (err) {
    warn(ctx, err, 'could not record the backlog history');
  }
}
