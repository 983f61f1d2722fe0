/** Write: send each issue's changed values (one call per issue) and apply rank batches. */
import { setTimeout as delay } from 'node:timers/promises';
import { UnrecoverableError, type Job } from 'bullmq';
import { connectorFor, type PipelineContext } from '../src/pipeline/context.js';
import {
  isFinal,
  MAX_PAUSES_IN_JOB,
  pauseForRateLimit,
  rateLimitedFor,
  rethrowForQueue,
  transientRetryMs,
} from '../src/pipeline/job-errors.js';
import { completeRun } from '../src/pipeline/runs.js';
import { ensureScopeFresh } from '../src/pipeline/scope-check.js';
import type { RankData, WriteData } from '../src/queues.js';
import { AuditLog } from '../src/store/audit.js';
import type { Booking } from '../src/store/rate-limiter.js';
import type { IssueRecord } from '../src/store/issue-record.js';
import { writeOwner } from '../src/store/write-locks.js';
import { trackerConfig, writeIssues, type WriteOutcome } from '../src/pipeline/write-issues.js';

export async function processWrite(ctx: PipelineContext, data: WriteData, job: Job): Promise<void> {
  if (data.runId) await ctx.runs.touchLock(data.trackerId, data.runId);
  // Counts each accepted write in the run as it happens (a killed job's writes are not lost).
  const owner = writeOwner(
    job.id ?? `${job.name}-${job.timestamp}`,
    job.attemptsStarted,
    job.token ?? 'no-token',
  );
  const outcome = await writeIssues(ctx, data, owner);
  if (outcome.replaced) {
    // This run lost its queue lock and the job runs again elsewhere: that run reports.
    ctx.logger.info(
      { trackerId: data.trackerId, jobId: job.id },
      'write job replaced by a later run',
    );
    return;
  }
  if (data.receivedAtMs && outcome.written > 0)
    ctx.metrics.eventToWrite.observe((Date.now() - data.receivedAtMs) / 1000);
  if (outcome.rateLimitedMs !== null) {
    return pauseForRateLimit(
      ctx.queues.tracker(data.trackerId),
      ctx.metrics,
      data.trackerId,
      outcome.rateLimitedMs,
    );
  }
  // What is left is transient: final only on the last attempt.
  const final = isFinal(null, job);
  if (outcome.transient.length > 0 && !final) {
    throw new Error(
      `transient failures, will retry: ${outcome.transient.map((f) => `${f.key}: ${f.message}`).join('; ')}`,
    );
  }
  const failures = [...outcome.permanent, ...(final ? outcome.transient : [])];
  await recordFailures(ctx, data, failures);
  await finishJob(ctx, data.runId, job);
  if (failures.length > 0) {
    throw new UnrecoverableError(
      `${failures.length} of ${data.issueIds.length} writes failed: ${failures.map((f) => `${f.key}: ${f.message}`).join('; ')}`,
    );
  }
}

export async function processRank(ctx: PipelineContext, data: RankData, job: Job): Promise<void> {
  if (data.runId) await ctx.runs.touchLock(data.trackerId, data.runId);
  const connector = connectorFor(ctx, data.trackerId);
  const { writesPerSec } = trackerConfig(ctx, data.trackerId);
  // A retried job resumes after the last batch it applied (its progress), so no call repeats.
  const firstBatch = typeof job.progress === 'number' ? job.progress : 0;
  // Slots are booked a few calls ahead, not for the whole job: a job that stops early (a later
  // plan took over) leaves no long run of booked slots for every other call to wait behind.
  let booking: Booking = { at: [], shift: 0, intervalMs: 0 };
  let bookedFrom = firstBatch;
  // The last call's record (its count, progress and moves): it must land before the next call
  // goes, and is sent with that call's looks, so each link of the chain waits for one round trip
  // less. The chain runs beside a full sync's edits, and each of its round trips waits in line
  // behind theirs: half its calls went out after the last edit (docs/architecture.md, "The job
  // catalog").
  let recorded: Promise<unknown> = Promise.resolve();
  for (let i = firstBatch; i < data.batches.length; i++) {
    // Independent looks, sent together: the chain's calls wait on each other, one by one.
    const [, stop, { batch, records }] = await Promise.all([
      recorded,
      superseded(ctx, data, data.batches.length - i),
      ensureScopeFresh(ctx, data.trackerId).then(() =>
        stillHeld(ctx, data.trackerId, data.batches[i] as RankBatch),
      ),
    ]);
    if (stop) break;
    if (batch === null) {
      await job.updateProgress(i + 1);
      continue;
    }
    if (i - bookedFrom >= booking.at.length) {
      const count = Math.min(RANK_SLOTS_AHEAD, data.batches.length - i);
      booking = await ctx.limiter.book(data.trackerId, writesPerSec, count);
      bookedFrom = i;
      // A first reconcile's chain runs for minutes: its run must not look idle meanwhile.
      if (data.runId) await ctx.runs.touchLock(data.trackerId, data.runId);
    }
    const at = booking.at[i - bookedFrom] ?? Date.now();
    try {
      for (let pauses = 0, tries = 0; ;) {
        // Immediately before the call: its slot, then the tracker's pause (a 429 anywhere).
        const waited = await ctx.limiter.waitTurn(data.trackerId, at, booking.shift);
        if (waited > 0) ctx.metrics.rateLimitWaits.inc({ tracker: data.trackerId }, waited / 1000);
        if (!connector.order)
          throw new UnrecoverableError(`tracker ${data.trackerId} no longer ranks`);
        try {
          await connector.order.apply({
            ...(batch.before !== undefined
              ? { before: batch.before }
              : { after: batch.after ?? '' }),
            ids: batch.ids,
            ranks: Object.fromEntries(batch.ids.map((id) => [id, data.newRanks[id] ?? ''])),
          });
          break;
        } catch (err) {
          // Answered or failed, a call may have moved the board: a full run's plan reads it again.
          await ctx.locks.noteRankCall(data.trackerId);
          // A fault (5xx, timeout, reset): this step again after a short wait, a few times,
          // before the job spends one of its attempts (job-errors.ts, MAX_TRANSIENT_TRIES_IN_STEP).
          const retryMs = transientRetryMs(err, ++tries);
          if (retryMs !== null) {
            ctx.metrics.apiErrors.inc({ tracker: data.trackerId, class: 'transient' });
            await delay(retryMs);
            continue;
          }
          // A 429: pause every process for exactly the Retry-After (the schedule moves with it),
          // then send this step again first.
          const retryAfterMs = rateLimitedFor(err);
          if (retryAfterMs === null || ++pauses >= MAX_PAUSES_IN_JOB) throw err;
          ctx.metrics.apiErrors.inc({ tracker: data.trackerId, class: 'rate_limited' });
          await ctx.limiter.pause(data.trackerId, Date.now() + retryAfterMs);
        }
      }
    } catch (err) {
      if (isFinal(err, job)) {
        const message = err instanceof Error ? err.message : String(err);
        await recordFailures(ctx, data, [
          { id: batch.ids[0] ?? '', key: `(rank ${batch.ids.length} issues)`, message },
        ]);
        await finishJob(ctx, data.runId, job);
      }
      return rethrowForQueue(err, ctx.queues.tracker(data.trackerId), ctx.metrics, data.trackerId);
    }
    // Counted (a full run's plan compares the count), progress and the moves recorded, before
    // the next call goes (awaited above, with its looks).
    recorded = Promise.all([
      ctx.locks.noteRankCall(data.trackerId),
      job.updateProgress(i + 1),
      recordMoves(ctx, data, batch, records),
    ]);
  }
  await recorded;
  await finishJob(ctx, data.runId, job);
}

type RankBatch = RankData['batches'][number];

/** Rank calls booked at a time (one Redis round trip each time). */
const RANK_SLOTS_AHEAD = 20;

/** A later plan has started: it covers this job's remaining moves (WriteLocks, order generation). */
async function superseded(ctx: PipelineContext, data: RankData, left: number): Promise<boolean> {
  if (data.generation === undefined) return false;
  if (!(await ctx.locks.isOrderSuperseded(data.trackerId, data.generation))) return false;
  ctx.logger.debug(
    { trackerId: data.trackerId, runId: data.runId, batchesLeft: left },
    'rank job stopped: a later plan orders the board',
  );
  return true;
}

/**
 * The batch as it may still be sent: a rank job runs after its plan (a queue behind, a retry
 * with backoff), and issues may have left the scope meanwhile (their records are gone). Those
 * are not moved, and a batch placed against an anchor that left is skipped: the next plan places
 * its issues against what is in scope. Sending them anyway moved issues that had left the scope
 * minutes before (the soak: 2,560 such moves in one run).
 */
async function stillHeld(
  ctx: PipelineContext,
  trackerId: string,
  batch: RankBatch,
): Promise<{ batch: RankBatch | null; records: IssueRecord[] }> {
  const anchor = batch.before ?? batch.after ?? '';
  const [anchorRecord, ...found] = await ctx.store.getMany(trackerId, [anchor, ...batch.ids]);
  const records = found.filter((r): r is IssueRecord => r !== null);
  if (anchorRecord !== null && records.length === batch.ids.length) return { batch, records };
  const ids = records.map((r) => r.id);
  const dropped = batch.ids.filter((_, k) => found[k] === null);
  ctx.logger.debug(
    {
      trackerId,
      anchor,
      anchorHeld: anchorRecord !== null,
      dropped,
      sent: anchorRecord ? ids : [],
    },
    'rank batch trimmed: issues left the scope since it was planned',
  );
  return anchorRecord !== null && ids.length > 0
    ? { batch: { ...batch, ids }, records }
    : { batch: null, records: [] };
}

/**
 * The moved issues' new ranks and audit entries; `records` are the issues as read just before
 * the call (stillHeld), whose ranks the entries show as the ones moved from.
 */
async function recordMoves(
  ctx: PipelineContext,
  data: RankData,
  batch: RankBatch,
  records: readonly IssueRecord[],
): Promise<void> {
  const at = new Date().toISOString();
  const where =
    batch.before !== undefined ? `before ${batch.before}` : `after ${batch.after ?? ''}`;
  const entries = records.map((r) =>
    AuditLog.entry(
      {
        at,
        trackerId: r.trackerId,
        issueId: r.id,
        key: r.key,
        field: 'rank',
        why: 'rank by net value',
      },
      r.rank,
      where,
    ),
  );
  // The new ranks and their audit entries land together (one MULTI per hash tag).
  await ctx.store.recordRanks(
    data.trackerId,
    new Map(records.map((r) => [r.id, data.newRanks[r.id] ?? r.rank])),
    (multi) => ctx.audit.addTo(multi, entries),
  );
  ctx.metrics.writes.inc({ tracker: data.trackerId, result: 'moved' }, batch.ids.length);
}

async function recordFailures(
  ctx: PipelineContext,
  data: { trackerId: string; runId: string | null },
  failures: WriteOutcome['permanent'],
): Promise<void> {
  const at = new Date().toISOString();
  await ctx.meta.recordFailures(
    failures.map((f) => ({
      trackerId: data.trackerId,
      issueId: f.id,
      key: f.key,
      message: f.message,
      at,
    })),
  );
  for (const f of failures) {
    ctx.metrics.writes.inc({ tracker: data.trackerId, result: 'failed' });
    ctx.logger.error({ trackerId: data.trackerId, key: f.key, err: f.message }, 'write failed');
    if (data.runId)
      await ctx.runs.addFailure(data.runId, {
        trackerId: data.trackerId,
        key: f.key,
        message: f.message,
      });
  }
}

async function finishJob(ctx: PipelineContext, runId: string | null, job: Job): Promise<void> {
  if (runId && (await ctx.runs.finishWrite(runId, job.id ?? job.name)))
    await completeRun(ctx, runId);
}
