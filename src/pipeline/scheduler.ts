/**
 * Per tracker: an incremental sync every `sync.intervalSec` and a full one every
 * `sync.fullEverySec`, as BullMQ job schedulers. Upserting is idempotent, so every process may
 * call this at start: restarts and many processes never double a schedule. `serve` also keeps
 * them (`keepSchedules`): a schedule lost with Redis's data is re-created within a minute.
 */
import { JOB } from '../queues.js';
import { ensureReviewSchedulers, restoreReviewSchedulers } from '../review/schedule.js';
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

type SchedulerCtx = Pick<PipelineContext, 'config' | 'queues'>;
type ScheduleKind = 'incremental' | 'full';

function everyMsOf(ctx: SchedulerCtx, kind: ScheduleKind): number {
  const { intervalSec, fullEverySec } = ctx.config.sync;
  return (kind === 'full' ? fullEverySec : intervalSec) * 1000;
}

/**
 * `tickAhead`: when the schedule is created (or its interval changed), its first tick comes an
 * interval after now instead of at once. Without it BullMQ runs an `every` schedule's first job
 * immediately, and with several workers that tick can take the tracker's lock before `serve`'s
 * start-up run does, which is then recorded as skipped. An existing schedule keeps its grid.
 */
async function upsertScheduler(
  ctx: SchedulerCtx,
  trackerId: string,
  kind: ScheduleKind,
  tickAhead = false,
) {
  const queue = ctx.queues.tracker(trackerId);
  const full = kind === 'full';
  const everyMs = everyMsOf(ctx, kind);
  await queue.upsertJobScheduler(
    schedulerIds(trackerId)[kind],
    tickAhead ? { every: everyMs, startDate: Date.now() + everyMs } : { every: everyMs },
    { name: JOB.syncStart, data: { trackerId, full, dryRun: false } },
  );
}

/**
 * A tick this close (or overdue, after the service was down) would race the start-up run: the
 * schedule is made again with its first tick an interval ahead.
 */
const RACING_TICK_MS = 1_000;

/**
 * At start-up (`startServing`, right after it queues the start-up syncs): each schedule exists,
 * and none ticks before an interval has passed, so the start-up run is the one that runs now.
 */
export async function ensureSchedulers(
  ctx: SchedulerCtx & Pick<PipelineContext, 'reviews'>,
): Promise<void> {
  for (const tracker of ctx.config.trackers) {
    const queue = ctx.queues.tracker(tracker.id);
    for (const kind of ['incremental', 'full'] as const) {
      const everyMs = everyMsOf(ctx, kind);
      const id = schedulerIds(tracker.id)[kind];
      const existing = await queue.getJobScheduler(id);
      const racing =
        existing != null &&
        existing.every === everyMs &&
        (existing.next ?? 0) < Date.now() + RACING_TICK_MS;
      // Upserting keeps an existing schedule's next tick; only a new one takes the start date.
      if (racing) {
        // Removing a schedule drops its delayed job but not one already waiting: that goes too
        // (BullMQ names it `repeat:<id>:<tick>`; a job a worker holds is left to run).
        await queue.removeJobScheduler(id);
        await queue.remove(`repeat:${id}:${existing.next}`);
      }
      await upsertScheduler(ctx, tracker.id, kind, true);
    }
  }
  await ensureReviewSchedulers(ctx);
}

/** Whether each of a tracker's schedules exists. */
export interface ScheduleStatus {
  incremental: boolean;
  full: boolean;
}

/** Per tracker id: which of its schedules exist in Redis (one small read per schedule). */
export async function scheduleStatus(ctx: SchedulerCtx): Promise<Map<string, ScheduleStatus>> {
  const entries = await Promise.all(
    ctx.config.trackers.map(async (t) => {
      const queue = ctx.queues.tracker(t.id);
      const ids = schedulerIds(t.id);
      const [incremental, full] = await Promise.all([
        queue.getJobScheduler(ids.incremental),
        queue.getJobScheduler(ids.full),
      ]);
      return [t.id, { incremental: incremental != null, full: full != null }] as const;
    }),
  );
  return new Map(entries);
}

/** Re-creates the schedules that are missing (upserting is idempotent); returns their ids. */
export async function restoreMissingSchedulers(ctx: SchedulerCtx): Promise<string[]> {
  const restored: string[] = [];
  for (const [trackerId, status] of await scheduleStatus(ctx)) {
    for (const kind of ['incremental', 'full'] as const) {
      if (status[kind]) continue;
      await upsertScheduler(ctx, trackerId, kind);
      restored.push(schedulerIds(trackerId)[kind]);
    }
  }
  return restored;
}

/** How often `serve` checks that its schedules exist (keepSchedules). */
export const SCHEDULE_CHECK_MS = 60_000;

/** Queue sets whose schedules this process keeps (readiness then checks them). */
const kept = new WeakMap<object, number>();

/** Whether this process keeps the schedules of `ctx`'s queues (`serve` does, via keepSchedules). */
export function keepsSchedules(ctx: Pick<PipelineContext, 'queues'>): boolean {
  return (kept.get(ctx.queues) ?? 0) > 0;
}

/**
 * Schedules live in Redis, so a Redis that loses its data loses them and periodic syncs stop.
 * `serve` calls this after `ensureSchedulers`: every `everyMs` it re-creates any missing schedule
 * (logged at warn), and while it runs `/readyz` reports missing schedules as not ready.
 */
export function keepSchedules(
  ctx: Pick<PipelineContext, 'config' | 'queues' | 'logger' | 'reviews'>,
  everyMs: number,
): { stop(): void } {
  kept.set(ctx.queues, (kept.get(ctx.queues) ?? 0) + 1);
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      const restored = [
        ...(await restoreMissingSchedulers(ctx)),
        ...(await restoreReviewSchedulers(ctx)),
      ];
      if (restored.length > 0) {
        ctx.logger.warn({ schedulers: restored }, 'sync schedules were missing: re-created');
      }
    } catch (err) {
      ctx.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'could not check the sync schedules',
      );
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      kept.set(ctx.queues, Math.max(0, (kept.get(ctx.queues) ?? 1) - 1));
    },
  };
}
