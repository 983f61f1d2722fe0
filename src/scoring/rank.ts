/**
 * Unified ranking across trackers. Order: scored issues by net value descending (the expected
 * net value, or its P10 with `scoring.rankBy: p10`), ties by lower cost, then tracker id and issue
 * key in natural order (ENG-2 before ENG-10); unscored and invalid issues last, by tracker id and
 * key. With `scoring.order: cd3`, scored issues whose net value is above $0 come first, by CD3
 * descending (an issue of 0 Cost hours first of all), then the other scored issues by net value;
 * ties by net value, then as above. The order is encoded as one sortable string per issue, so
 * the same order can be kept in a Redis sorted set (lexicographic, O(log N) per change) and
 * computed here without any I/O.
 */
import type { NetValue, RankBy, RankOrder } from '../domain/index.js';

export interface RankItem {
  trackerId: string;
  key: string;
  result: Pick<NetValue, 'status' | 'netValueUsd' | 'costUsd'> &
    Partial<Pick<NetValue, 'netValueLowUsd' | 'cd3'>>;
}

/** How scored issues are ordered (`scoring.rankBy`, `scoring.order`); defaults: as ever. */
export interface RankOptions {
  rankBy?: RankBy | undefined;
  order?: RankOrder | undefined;
}

// Net values are stored as an offset so that "descending" becomes "ascending" as text.
const OFFSET_CENTS = 1e15;
const WIDTH = 16;
const DIGIT_RUN_WIDTH = 12;

function pad(n: number, width: number): string {
  return Math.max(0, Math.round(n)).toString().padStart(width, '0');
}

/** Natural-order text: digit runs zero-padded so 'ENG-2' sorts before 'ENG-10' as plain text. */
export function naturalKey(text: string): string {
  return text.replace(/\d+/g, (digits) => digits.padStart(DIGIT_RUN_WIDTH, '0'));
}

// CD3 in thousandths, stored as an offset so that "descending" becomes "ascending" as text.
const CD3_OFFSET = 1e15;
const CD3_SCALE = 1000;

/** A string whose plain (code-unit) order is the unified ranking order. */
export function rankSortKey(item: RankItem, options: RankOptions = {}): string {
  const identity = `${naturalKey(item.trackerId)}\u0001${naturalKey(item.key)}\u0001${item.key}`;
  const { status, netValueUsd, costUsd } = item.result;
  if (status !== 'scored' || netValueUsd === null) return `1${identity}`;
  const net = options.rankBy === 'p10' ? (item.result.netValueLowUsd ?? netValueUsd) : netValueUsd;
  const netCents = Math.round(net * 100);
  const costCents = Math.round((costUsd ?? 0) * 100);
  const byNet = `${pad(OFFSET_CENTS - netCents, WIDTH)}${pad(costCents, WIDTH)}${identity}`;
  if (options.order !== 'cd3') return `0${byNet}`;
  // CD3 order: worth doing (net > $0) first by CD3 descending; 0 Cost hours (no CD3) leads.
  if (netCents <= 0) return `01${byNet}`;
  const cd3 = item.result.cd3;
  const cd3Part =
    cd3 === null || cd3 === undefined
      ? pad(0, WIDTH)
      : pad(CD3_OFFSET - Math.min(CD3_OFFSET - 1, Math.round(cd3 * CD3_SCALE)), WIDTH);
  return `00${cd3Part}${byNet}`;
}

export function compareRankItems(a: RankItem, b: RankItem, options: RankOptions = {}): number {
  const ka = rankSortKey(a, options);
  const kb = rankSortKey(b, options);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Items in ranking order with 1-based positions. */
export function rankItems<T extends RankItem>(
  items: readonly T[],
  options: RankOptions = {},
): { item: T; rank: number }[] {
  return items
    .map((item) => ({ item, sortKey: rankSortKey(item, options) }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    .map(({ item }, index) => ({ item, rank: index + 1 }));
}

/**
 * Priority bucket in Linear's scale from a net value: 2 High, 3 Medium, 4 Low. Never 1 (Urgent:
 * it pages people and starts SLAs). Null when there is no net value.
 */
export function priorityBucket(
  netValueUsd: number | null,
  thresholds: { high: number; medium: number },
): number | null {
  if (netValueUsd === null) return null;
  if (netValueUsd >= thresholds.high) return 2;
  if (netValueUsd >= thresholds.medium) return 3;
  return 4;
}
