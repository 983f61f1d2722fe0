/**
 * `POST /admin/preview` over the stored state, read window by window: each window of records is
 * re-scored and reduced to preview rows (no snapshot, inputs or tracker values), then dropped;
 * both orders are sorted in slices that yield, so a preview of a large backlog does not stall the
 * HTTP server (README "Performance"). Same answer as `previewScoring` on every record at once.
 */
import type { Connector } from '../../connectors/connector.js';
import type { ScoringSettings } from '../domain/index.js';
import type { PipelineContext } from '../pipeline/context.js';
import { Slicer, sortIndexes } from '../pipeline/yield.js';
import {
  byMemberOf,
  OverrideTally,
  previewOf,
  previewRows,
  type Preview,
  type PreviewRow,
} from './preview.js';

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
  const rows: PreviewRow[] = [];
  const tally = new OverrideTally();
  // A tracker removed from the config has no connector to re-score its records with.
  for (const { id: trackerId } of ctx.config.trackers) {
    if (!ctx.connectors.has(trackerId)) continue;
    const taken = new Set<string>(); // HSCAN may return an issue twice while the hash grows
    for await (const window of ctx.store.scan(trackerId, chunk)) {
      const fresh = window.filter((r) => !taken.has(r.id));
      for (const r of fresh) taken.add(r.id);
      tally.add(fresh);
      rows.push(...previewRows(fresh, { current, next: settings }, connectorFor));
    }
  }
  const slicer = new Slicer();
  const orders = {
    before: await sortIndexes(rows.length, byMemberOf(rows, 'before'), slicer),
    after: await sortIndexes(rows.length, byMemberOf(rows, 'after'), slicer),
  };
  return previewOf(rows, tally.overrides(settings), settings, connectorFor, orders, options.limit);
}
