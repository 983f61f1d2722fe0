/** `netvalue ranking [--limit N] [--json]`: the unified ranking from stored state. */
import type { Env } from '../config.js';
import { rankingItem, type RankingItem } from '../pipeline/ranking-view.js';
import { formatUsd } from '../scoring/format.js';
import { parseFlags, positiveInt } from './args.js';
import { withContext } from './context.js';
import { table, truncate, type Io } from './output.js';

export async function runRanking(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, { limit: { type: 'string' }, json: { type: 'boolean' } });
  const limit = positiveInt(values.limit, '--limit', 50);
  return withContext(values.config, env, io, async (ctx) => {
    const items = (await ctx.store.rankingPage(0, limit)).map(({ rank, record }) =>
      rankingItem(rank, record),
    );
    if (values.json) io.out(JSON.stringify({ items }, null, 2));
    else
      io.out(
        items.length === 0
          ? 'No issues in state yet: run `netvalue sync` first.'
          : rankingTable(items),
      );
    return 0;
  });
}

const money = (n: number | null, suffix = ''): string =>
  n === null ? '-' : `${formatUsd(n)}${suffix}`;

export function rankingTable(items: readonly RankingItem[]): string {
  return table(
    ['rank', 'tracker', 'key', 'title', 'value', 'cost', 'net value', 'status'],
    items.map((i) => [
      String(i.rank),
      i.trackerId,
      i.key,
      truncate(i.title, 48),
      money(i.valueUsdPerMonth, '/mo'),
      money(i.costUsd),
      money(i.netValueUsd),
      i.status === 'scored' ? 'scored' : `${i.status}: ${i.reason}`,
    ]),
    new Set([0, 4, 5, 6]),
  );
}
