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
