/**
 * `POST /admin/preview` over the stored state, read window by window: each window of records is
 * re-scored and reduced to preview rows (no snapshot, inputs or tracker values), then dropped;
 * both orders are sorted in slices that yield, so a preview of a large backlog does not stall the
 * HTTP server (README "Performance"). Same answer as `previewScoring` on every record at once.
 */
import type { Connector } from '../../connectors/connector.js';
import type { ScoringSettings } from '../domain/index.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { IssueRecord } from '../store/issue-record.js';
import { parseMember, type StoredWindow } from '../store/issue-store.js';
import { orderFromRanking } from '../pipeline/ranking-order.js';
import { Slicer, sortIndexes } from '../pipeline/yield.js';
import {
  listedRows,
  OverrideTally,
  previewOf,
  type Preview,
  type PreviewLabel,
} from './preview.js';
import { byMemberOf, PreviewRows } from './preview-rows.js';

/** Records per window read from Redis. */
export const PREVIEW_CHUNK = 200;

export async function previewStored(
  ctx: Pick<PipelineContext, 'config' | 'store' | 'connectors'>,
  settings: ScoringSettings,
  connectorFor: (trackerId: string) => Connector,
  current: ScoringSettings,
  options: { chunk?: number; limit?: number } = {},
): Promise<Preview> {
  const chunk = options.chunk ?? PREVIEW_CHUNK;
  // The current order is read from the ranking (ranking-order.ts): no current member per row.
  const rows = new PreviewRows({ beforeFromRanking: true });
  const tally = new OverrideTally();
  // Each tracker's rows by issue id (HSCAN may return an issue twice while the hash grows).
  const rowOf = new Map<string, Map<string, number>>();
  // A tracker removed from the config has no connector to re-score its records with.
  for (const { id: trackerId } of ctx.config.trackers) {
    if (!ctx.connectors.has(trackerId)) continue;
    const mine = new Map<string, number>();
    rowOf.set(trackerId, mine);
    // Only the window's JSON is held while Redis answers; its records live inside `add`.
    const add = (stored: StoredWindow): void => {
      const fresh: IssueRecord[] = [];
      for (const record of ctx.store.parseWindow(stored)) {
        if (mine.has(record.id)) continue;
        mine.set(record.id, rows.length + fresh.length); // `add` makes one row per record
        fresh.push(record);
      }
      tally.add(fresh);
      rows.add(fresh, { current, next: settings }, connectorFor);
    };
    for await (const stored of ctx.store.scanStored(trackerId, chunk)) add(stored);
  }
  const orders = {
    before: await orderFromRanking(
      ctx.store.rankingMembers(),
      (member) => {
        const { trackerId, id } = parseMember(member);
        return rowOf.get(trackerId)?.get(id);
      },
      rows.beforeHashes,
    ),
    after: await sortIndexes(rows.length, byMemberOf(rows.after), new Slicer()),
  };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const labels = await labelsOf(ctx, rows, listedRows(rows, orders, limit));
  // An issue removed since it was read is listed by its id.
  const labelOf = (i: number) => labels.get(i) ?? { key: rows.ids[i] as string, title: '' };
  return previewOf(rows, tally.overrides(settings), settings, connectorFor, labelOf, orders, limit);
}

/** The key and title of the listed rows, read again by id (a few, whatever the backlog's size). */
async function labelsOf(
  ctx: Pick<PipelineContext, 'store'>,
  rows: PreviewRows,
  listed: readonly number[],
): Promise<Map<number, PreviewLabel>> {
  const byTracker = new Map<string, number[]>();
  for (const i of listed) {
    const trackerId = rows.trackerIds[i] as string;
    const indexes = byTracker.get(trackerId);
    if (indexes) indexes.push(i);
    else byTracker.set(trackerId, [i]);
  }
  const labels = new Map<number, PreviewLabel>();
  for (const [trackerId, indexes] of byTracker) {
    for (let start = 0; start < indexes.length; start += PREVIEW_CHUNK) {
      const slice = indexes.slice(start, start + PREVIEW_CHUNK);
      const records = await ctx.store.getMany(
        trackerId,
        slice.map((i) => rows.ids[i] as string),
      );
      records.forEach((r, k) => {
        if (r) labels.set(slice[k] as number, { key: r.key, title: r.title });
      });
    }
  }
  return labels;
}
