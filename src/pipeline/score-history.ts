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
  let scored = 0;
  let positive = 0;
  for (const r of records) {
    if (r.result.status !== 'scored') continue;
    scored += 1;
    if ((r.result.netValueUsd ?? 0) > 0) positive += r.result.netValueUsd ?? 0;
  }
  return {
    at,
    trackerId,
    scored,
    needsInput: records.length - scored,
    positiveNetValueUsd: Math.round(positive * 100) / 100,
  };
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
    const point = backlogPoint(trackerId, await ctx.store.all(trackerId), at);
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
