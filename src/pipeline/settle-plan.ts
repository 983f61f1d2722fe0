/**
 * The plan that follows webhooks (docs/architecture.md, "How a webhook becomes a tracker write",
 * step 4): one delayed `plan` job per tracker, pushed back by `sync.rankSettleMs` with each
 * further edit, so a burst is planned once.
 *
 * Pushing it back is a BullMQ add that replaces the delayed job, a script of about twenty Redis
 * commands; every webhook made one. A process now skips the add while the plan job it created
 * last is still due at least three quarters of the settle time from now: that job starts after
 * this edit was saved, so it plans it. The plan then runs between 0.75 and 1 x `rankSettleMs`
 * after the last edit, instead of exactly 1 x.
 *
 * Only an add that created the job counts (its own job id comes back). An add that BullMQ
 * de-duplicated against a plan already waiting or running proves nothing about a later start, so
 * the next edit adds again; with `keepLastIfActive`, an edit made while a plan runs gets one more
 * plan after it (the running one may have read the ranking before this edit was saved). With it,
 * BullMQ keeps the de-duplication key until the plan job ends, whatever its ttl, so none is set.
 */
import { randomUUID } from 'node:crypto';
import { JOB, type PlanData } from '../queues.js';
import type { QueueSet } from './queue-set.js';

/** Per queue set (one per process or thread) and tracker: when a plan job was last created. */
const created = new WeakMap<QueueSet, Map<string, number>>();

/** Whether an edit at `nowMs` needs a new add, given the last plan created at `createdAtMs`. */
export function settlePlanDue(
  createdAtMs: number | undefined,
  nowMs: number,
  settleMs: number,
): boolean {
  if (createdAtMs === undefined) return true;
  const sinceMs = nowMs - createdAtMs;
  // A clock that went back proves nothing either.
  return sinceMs < 0 || sinceMs >= settleMs / 4;
}

/** Queues (or pushes back) the tracker's settle plan; false when the add was skipped. */
export async function queueSettlePlan(
  queues: QueueSet,
  trackerId: string,
  settleMs: number,
  now: () => number = Date.now,
): Promise<boolean> {
  let byTracker = created.get(queues);
  if (!byTracker) created.set(queues, (byTracker = new Map<string, number>()));
  // Read before the add: the job's delay counts from a later moment, so it is due after this.
  const at = now();
  if (!settlePlanDue(byTracker.get(trackerId), at, settleMs)) return false;
  // The plan names its write jobs after this id (workers/plan.ts): `plan-settle-<tracker>-...`.
  const jobId = `settle-${trackerId}-${randomUUID()}`;
  const data: PlanData = { trackerId, runId: null, rescore: false };
  const job = await queues.score.add(JOB.plan, data, {
    jobId,
    delay: settleMs,
    deduplication: { id: `plan-${trackerId}`, replace: true, keepLastIfActive: true },
  });
  if (job.id === jobId) byTracker.set(trackerId, at);
  else byTracker.delete(trackerId);
  return true;
}
