/**
 * `POST /admin/preview` over the stored state, read window by window: each window of records is
 * re-scored and reduced to preview rows (no snapshot, inputs or tracker values), then dropped;
 * both orders are sorted in slices that yield, so a preview of a large backlog does not stall the
 * HTTP server (README "Performance"). Same answer as `previewScoring` on every record at once.
 */
import type { Connector } from '../../connectors/connector.js';
import type { ScoringSettings } from '../domain/index.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { StoredWindow } from '../store/issue-store.js';
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
  const rows = new PreviewRows();
  const tally = new OverrideTally();
  // A tracker removed from the config has no connector to re-score its records with.
  for (const { id: trackerId } of ctx.config.trackers) {
    if (!ctx.connectors.has(trackerId)) continue;
    const taken = new Set<string>(); // HSCAN may return an issue twice while the hash grows
    // Only the window's JSON is held while Redis answers; its records live inside `add`.
    const add = (stored: StoredWindow): void => {
      const fresh = ctx.store.parseWindow(stored).filter((r) => !taken.has(r.id));
      for (const r of fresh) taken.add(r.id);
      tally.add(fresh);
      rows.add(fresh, { current, next: settings }, connectorFor);
    };
    for await (const stored of ctx.store.scanStored(trackerId, chunk)) add(stored);
  }
  const slicer = new Slicer();
  const orders = {
    before: await sortIndexes(rows.length, byMemberOf(rows.before), slicer),
    after: await sortIndexes(rows.length, byMemberOf(rows.after), slicer),
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
