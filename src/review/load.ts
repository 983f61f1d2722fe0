/**
 * Reads what a review needs from the stores and hands it to the pure computation (compute.ts):
 * the ranking now, the baseline snapshot, the score history of the issues that may have moved,
 * and the snapshots that say how long technical issues have stayed in the top N. Also takes the
 * daily snapshot (the `review-snapshot` job) and builds the share-over-time series.
 */
import type { PipelineContext } from '../pipeline/context.js';
import { workTypeOf } from '../pipeline/ranking-view.js';
import type { HistoryEntry } from '../store/history.js';
import type { IssueRecord } from '../store/issue-record.js';
import {
  computeReview,
  issueId,
  moverCandidates,
  ranked,
  shareFigures,
  stepWaits,
  topOf,
  type CurrentIssue,
  type ReviewScope,
} from './compute.js';
import type { Review, Trend } from './schema.js';

export type ReviewContext = Pick<
  PipelineContext,
  'config' | 'store' | 'history' | 'reviews' | 'meta' | 'runs'
>;

export interface ReviewRequest {
  sinceMs: number;
  nowMs: number;
  top: number;
  trackerId: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function currentOf({ rank, record }: { rank: number; record: IssueRecord }): CurrentIssue {
  return {
    trackerId: record.trackerId,
    key: record.key,
    status: record.result.status,
    netValueUsd: record.result.netValueUsd,
    workType: workTypeOf(record).type,
    rank,
    id: record.id,
    title: record.title,
    url: record.url,
    reason: record.result.reason,
  };
}

/** The unified ranking now, as the review sees it. */
export async function currentIssues(ctx: Pick<ReviewContext, 'store'>): Promise<CurrentIssue[]> {
  const current: CurrentIssue[] = [];
  for await (const window of ctx.store.rankingWindows()) current.push(...window.map(currentOf));
  return current;
}

function scopeOf(ctx: ReviewContext, request: ReviewRequest): ReviewScope {
  return {
    top: request.top,
    trackerId: request.trackerId,
    trackerIds: ctx.config.trackers.map((t) => t.id),
  };
}

export async function loadReview(ctx: ReviewContext, request: ReviewRequest): Promise<Review> {
  const scope = scopeOf(ctx, request);
  const [current, baseline] = await Promise.all([
    currentIssues(ctx),
    ctx.reviews.baseline(request.sinceMs),
  ]);
  const afterMs = baseline ? Date.parse(baseline.at) : request.sinceMs;
  const candidates = moverCandidates(current, baseline, scope);
  const history = new Map<string, HistoryEntry[]>(
    await Promise.all(
      candidates.map(async (c) => {
        const entries = await ctx.history.forIssue(c.trackerId, c.id);
        return [issueId(c), entries.filter((e) => Date.parse(e.at) > afterMs)] as const;
      }),
    ),
  );
  const technical = topOf(current, scope.top, scope.trackerId).filter(
    (e) => e.workType === 'technical',
  );
  return computeReview({
    at: iso(request.nowMs),
    since: iso(request.sinceMs),
    scope,
    current,
    baseline,
    history,
    inTopSince: await inTopSince(ctx, technical, scope, request.nowMs),
  });
}

/** Walks the snapshots newest first until every issue's streak in the top N has ended. */
async function inTopSince(
  ctx: Pick<ReviewContext, 'reviews'>,
  issues: readonly CurrentIssue[],
  scope: ReviewScope,
  nowMs: number,
): Promise<Map<string, string>> {
  const since = new Map<string, string>();
  let open = new Set(issues.map(issueId));
  for await (const snapshot of ctx.reviews.newestFirst(nowMs)) {
    if (open.size === 0) break;
    open = stepWaits(open, since, snapshot, scope);
  }
  return since;
}

export type SnapshotOutcome = 'taken' | 'exists' | 'not-synced';

/**
 * Whether every tracker has completed a sync: its watermark is set, or (when a pull failed, which
 * holds the watermark back) its latest run is done.
 */
async function everyTrackerSynced(ctx: ReviewContext): Promise<boolean> {
  const latest = await ctx.runs.latestRuns();
  const synced = await Promise.all(
    ctx.config.trackers.map(async (t) => {
      if ((await ctx.meta.watermark(t.id)) !== null) return true;
      const runId = latest[t.id];
      return runId !== undefined && (await ctx.runs.summary(runId))?.status === 'done';
    }),
  );
  return synced.every(Boolean);
}

/**
 * Takes today's snapshot unless there is one. Waits until every tracker has completed a sync, so
 * a first snapshot is never of a half-pulled backlog.
 */
export async function takeSnapshot(ctx: ReviewContext, nowMs: number): Promise<SnapshotOutcome> {
  if (await ctx.reviews.hasSnapshotInSlot(nowMs)) return 'exists';
  if (!(await everyTrackerSynced(ctx))) return 'not-synced';
  // Window by window: neither the ranking's records nor the snapshot's text is ever held whole.
  return (await ctx.reviews.addStreamed(iso(nowMs), snapshotWindows(ctx))) ? 'taken' : 'exists';
}

async function* snapshotWindows(ctx: Pick<ReviewContext, 'store'>): AsyncGenerator<CurrentIssue[]> {
  for await (const window of ctx.store.rankingWindows()) yield window.map(currentOf);
}

/**
 * The share of the top N by work type at each snapshot since `sinceMs`, then now. Each snapshot is
 * reduced to its point as it is read, and only the head of the ranking is read for now: the
 * dashboard asks for this on every visit, and at a million issues holding the whole ranking and
 * every snapshot took gigabytes (docs/architecture.md "The job catalog").
 */
export async function loadTrend(ctx: ReviewContext, request: ReviewRequest): Promise<Trend> {
  const point = (at: string, entries: Parameters<typeof topOf>[0]) => ({
    at,
    ...shareFigures(topOf(entries, request.top, request.trackerId)),
  });
  const points: Trend['points'] = [];
  for await (const snapshot of ctx.reviews.series(request.sinceMs, request.nowMs))
    points.push(point(snapshot.at, ranked(snapshot)));
  points.push(point(iso(request.nowMs), await currentTop(ctx, request.top, request.trackerId)));
  return { top: request.top, trackerId: request.trackerId, points };
}

/**
 * The head of the ranking now that holds the top N (of one tracker, or of all): scored issues rank
 * before every other, so the walk stops at N of them or at the first issue not scored.
 */
async function currentTop(
  ctx: Pick<ReviewContext, 'store'>,
  top: number,
  trackerId: string | null,
): Promise<CurrentIssue[]> {
  const head: CurrentIssue[] = [];
  let found = 0;
  for await (const window of ctx.store.rankingWindows()) {
    for (const entry of window.map(currentOf)) {
      if (entry.status !== 'scored') return head;
      head.push(entry);
      if (trackerId === null || entry.trackerId === trackerId) found += 1;
      if (found >= top) return head;
    }
  }
  return head;
}
