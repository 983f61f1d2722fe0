/**
 * The backlog review, pure (README "Backlog reviews"): from the ranking now, a snapshot of it at
 * the baseline, the score history since and how long issues have stayed in the top N, the shares
 * of technical and product work, the movers, who entered and left the scope, who newly needs
 * input and the technical work that keeps waiting. No I/O: src/review/load.ts reads the stores.
 */
import { HISTORY_WHY } from '../pipeline/score-history.js';
import type { HistoryEntry } from '../store/history.js';
import type { ReviewSnapshot, SnapshotEntry } from '../store/review-store.js';
import type { Mover, Review, ShareFigures, Shares } from './schema.js';

/** An issue of the ranking now (unified rank, and what a review shows of it). */
export interface CurrentIssue extends SnapshotEntry {
  rank: number;
  id: string;
  title: string;
  url: string;
  reason: string;
}

export interface ReviewScope {
  top: number;
  /** One tracker, or null for every tracker. */
  trackerId: string | null;
  /** The configured trackers (each gets its own shares). */
  trackerIds: readonly string[];
}

/** The most movers a review lists. */
export const MAX_MOVERS = 10;
const DAY_MS = 86_400_000;
/** History fields that are inputs: a change of one is an edit of the issue's estimate. */
const INPUT_FIELDS = new Set([
  'value',
  'valueLow',
  'valueHigh',
  'valueImpact',
  'cost',
  'costLow',
  'costHigh',
  'costUnit',
]);

export const issueId = (e: { trackerId: string; key: string }): string =>
  `${e.trackerId}\u0000${e.key}`;

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Entries with their unified rank (a snapshot's rank is its position). */
export function ranked(snapshot: ReviewSnapshot): (SnapshotEntry & { rank: number })[] {
  return snapshot.items.map((item, i) => ({ ...item, rank: i + 1 }));
}

/** The top N scored issues of the scope, in ranking order. */
export function topOf<E extends SnapshotEntry & { rank: number }>(
  entries: readonly E[],
  top: number,
  trackerId: string | null,
): E[] {
  return entries
    .filter((e) => e.status === 'scored' && (trackerId === null || e.trackerId === trackerId))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, top);
}

export function shareFigures(
  list: readonly SnapshotEntry[],
): Record<SnapshotEntry['workType'], ShareFigures> {
  const positive = (e: SnapshotEntry) => Math.max(0, e.netValueUsd ?? 0);
  const totalPositive = list.reduce((sum, e) => sum + positive(e), 0);
  const figures = (type: SnapshotEntry['workType']): ShareFigures => {
    const of = list.filter((e) => e.workType === type);
    const pos = of.reduce((sum, e) => sum + positive(e), 0);
    return {
      count: of.length,
      countPct: list.length === 0 ? 0 : round((100 * of.length) / list.length, 1),
      netValueUsd: round(
        of.reduce((sum, e) => sum + (e.netValueUsd ?? 0), 0),
        2,
      ),
      sharePct: totalPositive === 0 ? 0 : round((100 * pos) / totalPositive, 1),
    };
  };
  return {
    technical: figures('technical'),
    product: figures('product'),
    unclassified: figures('unclassified'),
  };
}

function shares(now: readonly SnapshotEntry[], before: readonly SnapshotEntry[] | null): Shares {
  const n = shareFigures(now);
  const b = before === null ? null : shareFigures(before);
  return {
    technical: { ...n.technical, before: b?.technical ?? null },
    product: { ...n.product, before: b?.product ?? null },
    unclassified: { ...n.unclassified, before: b?.unclassified ?? null },
  };
}

/** The issues whose moves a review explains: in the top N now, or then and still in scope. */
export function moverCandidates(
  current: readonly CurrentIssue[],
  baseline: ReviewSnapshot | null,
  scope: ReviewScope,
): CurrentIssue[] {
  const ids = new Set(topOf(current, scope.top, scope.trackerId).map(issueId));
  if (baseline)
    for (const e of topOf(ranked(baseline), scope.top, scope.trackerId)) ids.add(issueId(e));
  return current.filter((e) => ids.has(issueId(e)));
}

/** Why an issue moved, from its history entries since the baseline. */
export function whyMoved(isNew: boolean, entries: readonly HistoryEntry[]): string {
  if (isNew) return 'new issue';
  const reasons: string[] = [];
  if (entries.some((e) => e.changes.some((c) => INPUT_FIELDS.has(c.field))))
    reasons.push('input edited');
  if (entries.some((e) => e.why === HISTORY_WHY.settings)) reasons.push('settings changed');
  return reasons.length > 0 ? reasons.join(', ') : 'other issues moved';
}

function movers(
  candidates: readonly CurrentIssue[],
  before: ReadonlyMap<string, SnapshotEntry & { rank: number }>,
  history: ReadonlyMap<string, readonly HistoryEntry[]>,
): Mover[] {
  const all = candidates.flatMap((e): Mover[] => {
    const then = before.get(issueId(e));
    if (then && then.rank === e.rank && then.netValueUsd === e.netValueUsd) return [];
    return [
      {
        trackerId: e.trackerId,
        key: e.key,
        title: e.title,
        url: e.url,
        workType: e.workType,
        fromRank: then?.rank ?? null,
        toRank: e.rank,
        fromNetValueUsd: then?.netValueUsd ?? null,
        toNetValueUsd: e.netValueUsd,
        why: whyMoved(then === undefined, history.get(issueId(e)) ?? []),
      },
    ];
  });
  // New issues first, then by how far they moved, then by how much their net value changed.
  const size = (m: Mover) =>
    m.fromRank === null ? Number.MAX_SAFE_INTEGER : Math.abs(m.fromRank - m.toRank);
  const delta = (m: Mover) => Math.abs((m.toNetValueUsd ?? 0) - (m.fromNetValueUsd ?? 0));
  return all
    .sort((a, b) => size(b) - size(a) || delta(b) - delta(a) || a.toRank - b.toRank)
    .slice(0, MAX_MOVERS);
}

/**
 * One step of "since when has each issue been in the top N": walking snapshots newest first,
 * an issue still open that is in this snapshot's top N was there since (at least) its time; one
 * that is not has its streak closed. Returns the issues still open.
 */
export function stepWaits(
  open: ReadonlySet<string>,
  since: Map<string, string>,
  snapshot: ReviewSnapshot,
  scope: Pick<ReviewScope, 'top' | 'trackerId'>,
): Set<string> {
  const inTop = new Set(topOf(ranked(snapshot), scope.top, scope.trackerId).map(issueId));
  const still = new Set<string>();
  for (const id of open) {
    if (!inTop.has(id)) continue;
    since.set(id, snapshot.at);
    still.add(id);
  }
  return still;
}

export interface ReviewInput {
  at: string;
  since: string;
  scope: ReviewScope;
  /** The ranking now, every issue in scope of every tracker. */
  current: readonly CurrentIssue[];
  baseline: ReviewSnapshot | null;
  /** History entries after the baseline, by `issueId`, for the mover candidates. */
  history: ReadonlyMap<string, readonly HistoryEntry[]>;
  /** For issues of the top N: since when they have been in it (absent: since `at`). */
  inTopSince: ReadonlyMap<string, string>;
}

export function computeReview(input: ReviewInput): Review {
  const { at, scope, current, baseline } = input;
  const inScope = (e: { trackerId: string }) =>
    scope.trackerId === null || e.trackerId === scope.trackerId;
  const then = baseline ? ranked(baseline) : null;
  const thenById = new Map((then ?? []).map((e) => [issueId(e), e]));
  const nowIds = new Set(current.map(issueId));
  const topNow = topOf(current, scope.top, scope.trackerId);
  const trackerIds = scope.trackerId === null ? scope.trackerIds : [scope.trackerId];
  const waited = (e: CurrentIssue) => input.inTopSince.get(issueId(e)) ?? at;
  return {
    at,
    since: input.since,
    baselineAt: baseline?.at ?? null,
    top: scope.top,
    trackerId: scope.trackerId,
    overall: shares(topNow, then && topOf(then, scope.top, scope.trackerId)),
    trackers: trackerIds.map((trackerId) => ({
      trackerId,
      ...shares(topOf(current, scope.top, trackerId), then && topOf(then, scope.top, trackerId)),
    })),
    movers: movers(moverCandidates(current, baseline, scope), thenById, input.history),
    entered: then
      ? current
          .filter((e) => inScope(e) && !thenById.has(issueId(e)))
          .map((e) => ({ trackerId: e.trackerId, key: e.key, title: e.title, rank: e.rank }))
      : [],
    left: then
      ? then
          .filter((e) => inScope(e) && !nowIds.has(issueId(e)))
          .map((e) => ({ trackerId: e.trackerId, key: e.key }))
      : [],
    needsInput: then
      ? current
          .filter((e) => inScope(e) && e.status !== 'scored')
          .filter((e) => (thenById.get(issueId(e))?.status ?? 'scored') === 'scored')
          .map((e) => ({
            trackerId: e.trackerId,
            key: e.key,
            title: e.title,
            status: e.status,
            reason: e.reason,
          }))
      : [],
    deferredTechnical: topNow
      .filter((e) => e.workType === 'technical')
      .sort(
        (a, b) =>
          Date.parse(waited(a)) - Date.parse(waited(b)) ||
          (b.netValueUsd ?? 0) - (a.netValueUsd ?? 0) ||
          a.rank - b.rank,
      )
      .map((e) => ({
        trackerId: e.trackerId,
        key: e.key,
        title: e.title,
        url: e.url,
        rank: e.rank,
        netValueUsd: e.netValueUsd,
        inTopSince: waited(e),
        waitedDays: Math.floor((Date.parse(at) - Date.parse(waited(e))) / DAY_MS),
      })),
  };
}
