/**
 * What `serve` does once its workers run: a settings change is re-scored first and planned by the
 * start-up sync (one group of every tracker), so each issue is written once with its final value
 * and rank position. The schedules' first ticks come an interval later (`ensureSchedulers`): a tick
 * at once could take the tracker's lock first on another worker and leave this run skipped.
 */
import type { PipelineContext } from './context.js';
import { rescoreIfSettingsChanged, SETTINGS_CHANGED } from './rescore.js';
import { enqueueSyncs } from './runs.js';
import { ensureSchedulers } from './scheduler.js';

/** Returns the start-up runs' ids. */
export async function startServing(ctx: PipelineContext): Promise<string[]> {
  const rescored = await rescoreIfSettingsChanged(ctx);
  const runIds = await enqueueSyncs(
    ctx,
    ctx.config.trackers.map((t) => ({
      trackerId: t.id,
      full: false,
      dryRun: false,
      ...(rescored ? { reason: SETTINGS_CHANGED } : {}),
    })),
  );
  await ensureSchedulers(ctx);
  return runIds;
}
