/**
 * Per tracker: an incremental sync every `sync.intervalSec` and a full one every
 * `sync.fullEverySec`, as BullMQ job schedulers. Upserting is idempotent, so every process may
 * call this at start: restarts and many processes never double a schedule.
 */
import { JOB } from '../queues.js';
import type { PipelineContext } from './context.js';

export const schedulerIds = (trackerId: string) => ({
  incremental: `incremental-sync-${trackerId}`,
  full: `full-sync-${trackerId}`,
});

/**
 * Whether a sync should be full: asked for, the tracker's first, or a full reconcile is due. Due
 * means the last complete one started at least `fullEverySec` ago, less half an incremental
 * interval: the full schedule ticks on the same grid as the incremental one (86,400 s is 288 x
 * 300 s), so its tick usually finds the incremental run holding the tracker's lock and is
 * skipped. The incremental run then upgrades itself instead, so a due reconcile is never lost.
 */
export function shouldRunFull(
  asked: { full: boolean; watermark: string | null; lastFull: string | null },
  nowMs: number,
  sync: { intervalSec: number; fullEverySec: number },
): boolean {
  if (asked.full || asked.watermark === null || asked.lastFull === null) return true;
  const sinceMs = nowMs - Date.parse(asked.lastFull);
  return !(sinceMs < (sync.fullEverySec - sync.intervalSec / 2) * 1000);
}

export async function ensureSchedulers(ctx: PipelineContext): Promise<void> {
  for (const tracker of ctx.config.trackers) {
    const queue = ctx.queues.tracker(tracker.id);
    const ids = schedulerIds(tracker.id);
    await queue.upsertJobScheduler(
      ids.incremental,
      { every: ctx.config.sync.intervalSec * 1000 },
      { name: JOB.syncStart, data: { trackerId: tracker.id, full: false, dryRun: false } },
    );
    await queue.upsertJobScheduler(
      ids.full,
      { every: ctx.config.sync.fullEverySec * 1000 },
      { name: JOB.syncStart, data: { trackerId: tracker.id, full: true, dryRun: false } },
    );
  }
}
