/**
 * `netvalue ranking [--limit N] [--json]`: the first N issues (default 50) of the unified ranking
 * from stored state, and how many there are in all.
 */
import type { Env } from '../config.js';
import { rankingItem, type RankingItem } from '../pipeline/ranking-view.js';
import { formatUsd } from '../scoring/format.js';
import { parseFlags, positiveInt } from './args.js';
import { withContext } from './context.js';
import { statusText, table, truncate, type Io } from './output.js';

/** Issues shown when --limit is not given (README "Commands", `netvalue ranking --help`). */
export const DEFAULT_RANKING_LIMIT = 50;

export async function runRanking(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, { limit: { type: 'string' }, json: { type: 'boolean' } });
  const limit = positiveInt(values.limit, '--limit', DEFAULT_RANKING_LIMIT);
  return withContext(values.config, env, io, async (ctx) => {
    const [page, total] = await Promise.all([
      ctx.store.rankingPage(0, limit),
      ctx.store.rankingSize(),
    ]);
    const items = page.map(({ rank, record }) => rankingItem(rank, record));
    if (values.json) io.out(JSON.stringify({ items, total }, null, 2));
    else
      io.out(
        items.length === 0
          ? 'No issues in state yet: run `netvalue sync` first.'
          : `${rankingTable(items)}\n\n${shownOf(items.length, total)}`,
      );
    return 0;
  });
}

/** "showing 50 of 372 (--limit N for more)", or "showing all 12". */
export function shownOf(shown: number, total: number): string {
  return shown >= total
    ? `showing all ${total}`
    : `showing ${shown} of ${total} (--limit N for more)`;
}

const money = (n: number | null, suffix = ''): string =>
  n === null ? '-' : `${formatUsd(n)}${suffix}`;

/** P10-P90 and the chance above $0, for an issue with a three-point estimate (else empty). */
function riskText(i: RankingItem): string {
  if (i.netValueLowUsd === null || i.netValueHighUsd === null) return '';
  if (i.netValueLowUsd === i.netValueHighUsd) return '';
  return `${money(i.netValueLowUsd)} to ${money(i.netValueHighUsd)}, ${i.confidencePct ?? '-'}% > $0`;
}

export function rankingTable(items: readonly RankingItem[]): string {
  // The risk column appears only when some issue has a range (point estimates have none).
  const withRisk = items.some((i) => riskText(i) !== '');
  const headers = ['rank', 'tracker', 'key', 'title', 'value', 'cost', 'net value'];
  return table(
    [...headers, ...(withRisk ? ['P10 to P90, chance'] : []), 'status'],
    items.map((i) => [
      String(i.rank),
      i.trackerId,
      i.key,
      truncate(i.title, 48),
      money(i.valueUsdPerMonth, '/mo'),
      money(i.costUsd),
      money(i.netValueUsd),
      ...(withRisk ? [riskText(i)] : []),
      statusText(i.status, i.reason),
    ]),
    new Set([0, 4, 5, 6]),
  );
}
