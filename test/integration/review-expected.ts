/**
 * The review's figures recomputed for the tests from the contract's ranking items (before and
 * after), with none of src/review's code: the top N, the shares, the movers and their order.
 */
import type { RankingItem } from '../../src/pipeline/ranking-view.js';

export type Item = RankingItem;
const TYPES = ['technical', 'product', 'unclassified'] as const;

export function topN(items: readonly Item[], n: number, trackerId: string | null = null): Item[] {
  return items
    .filter((i) => i.status === 'scored' && (trackerId === null || i.trackerId === trackerId))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, n);
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

export function figures(list: readonly Item[]) {
  const pos = (i: Item) => Math.max(0, i.netValueUsd ?? 0);
  const total = list.reduce((s, i) => s + pos(i), 0);
  return Object.fromEntries(
    TYPES.map((type) => {
      const of = list.filter((i) => i.workType === type);
      return [
        type,
        {
          count: of.length,
          countPct: list.length === 0 ? 0 : r1((100 * of.length) / list.length),
          netValueUsd: r2(of.reduce((s, i) => s + (i.netValueUsd ?? 0), 0)),
          sharePct: total === 0 ? 0 : r1((100 * of.reduce((s, i) => s + pos(i), 0)) / total),
        },
      ];
    }),
  ) as Record<(typeof TYPES)[number], Figures>;
}

interface Figures {
  count: number;
  countPct: number;
  netValueUsd: number;
  sharePct: number;
}

export function shares(now: readonly Item[], before: readonly Item[]) {
  const n = figures(now);
  const b = figures(before);
  return Object.fromEntries(TYPES.map((t) => [t, { ...n[t], before: b[t] }]));
}

const id = (i: { trackerId: string; key: string }) => `${i.trackerId}/${i.key}`;

export interface ExpectedMover {
  trackerId: string;
  key: string;
  title: string;
  url: string;
  workType: Item['workType'];
  fromRank: number | null;
  toRank: number;
  fromNetValueUsd: number | null;
  toNetValueUsd: number | null;
  why: string;
}

/** Movers in or into the top N, with `why` as the test knows it, in the review's order. */
export function movers(
  before: readonly Item[],
  after: readonly Item[],
  n: number,
  why: (item: Item) => string,
): ExpectedMover[] {
  const beforeById = new Map(before.map((i) => [id(i), i]));
  const candidates = new Set([...topN(after, n), ...topN(before, n)].map(id));
  const list = after
    .filter((a) => candidates.has(id(a)))
    .flatMap((a): ExpectedMover[] => {
      const b = beforeById.get(id(a));
      if (b && b.rank === a.rank && b.netValueUsd === a.netValueUsd) return [];
      return [
        {
          trackerId: a.trackerId,
          key: a.key,
          title: a.title,
          url: a.url,
          workType: a.workType,
          fromRank: b?.rank ?? null,
          toRank: a.rank,
          fromNetValueUsd: b?.netValueUsd ?? null,
          toNetValueUsd: a.netValueUsd,
          why: b ? why(a) : 'new issue',
        },
      ];
    });
  const size = (m: ExpectedMover) =>
    m.fromRank === null ? Number.MAX_SAFE_INTEGER : Math.abs(m.fromRank - m.toRank);
  const delta = (m: ExpectedMover) => Math.abs((m.toNetValueUsd ?? 0) - (m.fromNetValueUsd ?? 0));
  return list
    .sort((x, y) => size(y) - size(x) || delta(y) - delta(x) || x.toRank - y.toRank)
    .slice(0, 10);
}

export function entered(before: readonly Item[], after: readonly Item[]) {
  const ids = new Set(before.map(id));
  return after
    .filter((a) => !ids.has(id(a)))
    .map((a) => ({ trackerId: a.trackerId, key: a.key, title: a.title, rank: a.rank }));
}

export function left(before: readonly Item[], after: readonly Item[]) {
  const ids = new Set(after.map(id));
  return before.filter((b) => !ids.has(id(b))).map((b) => ({ trackerId: b.trackerId, key: b.key }));
}

export function newlyNeedingInput(before: readonly Item[], after: readonly Item[]) {
  const beforeById = new Map(before.map((i) => [id(i), i]));
  return after
    .filter(
      (a) => a.status !== 'scored' && (beforeById.get(id(a))?.status ?? 'scored') === 'scored',
    )
    .map((a) => ({
      trackerId: a.trackerId,
      key: a.key,
      title: a.title,
      status: a.status,
      reason: a.reason,
    }));
}

/** Technical issues of the top N now; with one snapshot, in the top since it or since now. */
export function deferredTechnical(
  before: readonly Item[],
  after: readonly Item[],
  n: number,
  snapshotAt: string,
  at: string,
) {
  const wasTop = new Set(topN(before, n).map(id));
  return topN(after, n)
    .filter((a) => a.workType === 'technical')
    .map((a) => {
      const since = wasTop.has(id(a)) ? snapshotAt : at;
      return {
        trackerId: a.trackerId,
        key: a.key,
        title: a.title,
        url: a.url,
        rank: a.rank,
        netValueUsd: a.netValueUsd,
        inTopSince: since,
        waitedDays: Math.floor((Date.parse(at) - Date.parse(since)) / 86_400_000),
      };
    })
    .sort(
      (x, y) =>
        Date.parse(x.inTopSince) - Date.parse(y.inTopSince) ||
        (y.netValueUsd ?? 0) - (x.netValueUsd ?? 0) ||
        x.rank - y.rank,
    );
}
