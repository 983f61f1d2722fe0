/**
 * The write loop of one write job: for each issue, re-read what it should hold, send only what
 * differs (one call per issue, or one batch where the tracker takes many), and record each result
 * as soon as the tracker accepted it. Reading fresh state here (not from the job) makes retries,
 * re-runs and overlapping jobs harmless: an issue already right is skipped.
 *
 * Crash safety: each call is marked as sending before it goes out (WriteLocks.claim) and its
 * result recorded right after, in one round trip (tracker state, audit entries, the end of the
 * mark, the cleared failure and the run's `written` count). That round trip travels with the
 * turn of the same runner's next call, which goes only once it landed, and the job lets go of its
 * locks only once every result is recorded. A job re-run after its worker died
 * sends only what is still different; for issues whose call went out unrecorded it first reads
 * what the tracker holds, so an edit the tracker accepted is recorded (and counted) once, never
 * sent again.
 *
 * Rate limits: every call waits for its booked slot and, immediately before going out, for the
 * tracker's pause in Redis. A 429 pauses the tracker there for exactly its Retry-After, so calls
 * already under way in every process stop too; the refused call is sent again after the pause.
 * After each call the budget the tracker reported (remaining requests, reset) sets the pace in
 * Redis before it runs out (RateLimiter.followBudget), so 429s stay rare.
 */
import { landedAtOf, written } from '../../connectors/connector.js';
import { isTrackerError, type WriteValues } from '../domain/index.js';
import { changedValues } from '../scoring/write-diff.js';
import { AuditLog, type AuditEntry } from '../store/audit.js';
import type { IssueRecord } from '../store/issue-record.js';
import type { TrackerState } from '../store/issue-store.js';
import { connectorFor, type PipelineContext } from './context.js';
import { MAX_PAUSES_IN_JOB, rateLimitedFor } from './job-errors.js';
import { ensureScopeFresh } from './scope-check.js';

export interface WriteFailure {
  id: string;
  key: string;
  message: string;
}

export interface WriteOutcome {
  /** Issues whose values the tracker accepted (also counted in the run as they happen). */
  written: number;
  /**
   * Set when the tracker kept answering 429 past what a job waits out itself: hand the job back
   * to the queue for this long (the tracker stays paused in Redis meanwhile).
   */
  rateLimitedMs: number | null;
  /**
   * A later run of this job took its locks (this run's queue lock was lost): it stopped, and the
   * later run writes the rest.
   */
  replaced: boolean;
  transient: WriteFailure[];
  permanent: WriteFailure[];
}

/** Calls in flight per write job; the tracker's rate limit in Redis is the real bound. */
export const CALLS_IN_FLIGHT = 8;
/** An issue is written by one job at a time; the lock outlives the request timeout by this. */
const LOCK_MARGIN_MS = 5000;

interface Item {
  record: IssueRecord;
  changes: WriteValues;
  /** When the tracker says the write landed, by its clock (connector.ts `WriteLanded`). */
  landedAt?: string | null;
}

/** Times a job waits for issues another job is writing, then tries them again itself. */
const BUSY_ROUNDS = 3;

type WriteData = { trackerId: string; runId?: string | null; issueIds: string[]; why: string };

export async function writeIssues(
  ctx: PipelineContext,
  data: WriteData,
  /** Who holds the issues' write locks: one run of one job (WriteLocks.writeOwner). */
  owner: string,
): Promise<WriteOutcome> {
  const outcome = await writePass(ctx, data, owner);
  // Issues another job is writing: that job holds them only while its calls go out (the lock
  // lasts a call's timeout past its last claim), so wait for it, then send what still differs.
  // Failing the job instead put it on exponential backoff: under load a sync run's write jobs
  // queued behind each other that way for minutes (soak: a 2,000-issue full run took 410 s).
  const { timeoutMs } = trackerConfig(ctx, data.trackerId);
  for (let round = 0; round < BUSY_ROUNDS && outcome.busy.length > 0; round++) {
    if (outcome.rateLimitedMs !== null || outcome.replaced) break;
    const ids = outcome.busy.map((f) => f.id);
    await ctx.locks.waitUntilFree(data.trackerId, ids, timeoutMs + LOCK_MARGIN_MS);
    const again = await writePass(ctx, { ...data, issueIds: ids }, owner);
    outcome.written += again.written;
    outcome.rateLimitedMs = again.rateLimitedMs;
    outcome.transient.push(...again.transient);
    outcome.permanent.push(...again.permanent);
    outcome.busy = again.busy;
    outcome.replaced = again.replaced;
  }
  outcome.transient.push(...outcome.busy);
  outcome.busy = [];
  return outcome;
}

/** One pass over the issues: lock, re-read, send what differs, record. */
async function writePass(
  ctx: PipelineContext,
  data: WriteData,
  owner: string,
): Promise<WriteOutcome & { busy: WriteFailure[] }> {
  const { trackerId } = data;
  const connector = connectorFor(ctx, trackerId);
  const tracker = trackerConfig(ctx, trackerId);
  const outcome: WriteOutcome & { busy: WriteFailure[] } = {
    written: 0,
    rateLimitedMs: null,
    transient: [],
    permanent: [],
    busy: [],
    replaced: false,
  };
  // From here on this job reads the issues' values: later plans must queue a job of their own.
  await ctx.locks.clearQueued(trackerId, data.issueIds);
  const records = (await ctx.store.getMany(trackerId, data.issueIds)).filter(
    (r): r is IssueRecord => r !== null && changedValues(r.current, r.desired) !== null,
  );
  if (records.length === 0) return outcome;
  const perCall = Math.max(1, connector.maxWriteBatch);
  // One booking for the whole job (one round trip): unit k may start at `booking.at[k]`.
  // Booked before locking, so the locks last as long as the job is planned to take.
  const booking = await ctx.limiter.book(
    trackerId,
    tracker.writesPerSec,
    Math.ceil(records.length / perCall),
  );
  const callTtlMs = tracker.timeoutMs + LOCK_MARGIN_MS;
  const locks = await ctx.locks.lock(
    trackerId,
    records.map((r) => r.id),
    Math.max(0, (booking.at.at(-1) ?? 0) - Date.now()) + callTtlMs,
    owner,
  );
  const busy = (record: IssueRecord) =>
    outcome.busy.push({
      id: record.id,
      key: record.key,
      message: 'another job is writing this issue',
    });
  /** Whether a later run of this job holds any of `refused` (this run was replaced). */
  const replacedOn = async (refused: readonly IssueRecord[]): Promise<boolean> =>
    refused.length > 0 &&
    (await ctx.locks.replaced(
      trackerId,
      refused.map((r) => r.id),
      owner,
    ));
  const refused = records.filter((r) => !locks.has(r.id));
  for (const r of refused) busy(r);
  if (await replacedOn(refused)) {
    outcome.replaced = true;
    await ctx.locks.unlock(trackerId, [...locks.keys()], owner);
    return outcome;
  }

  /**
   * Records what the tracker accepted, in one round trip, and counts it. The issue's
   * `lastWrittenAt` is when the tracker says the write landed (Linear), else `sentAt` (when the
   * call went out): a pulled snapshot older than it was read before our write and keeps the
   * recorded values (score-record.ts heldValues), a newer one is the tracker's word. Stamping the
   * time the answer came back instead hid a later change that landed while our answer was on its
   * way (the soak found values left wrong by a replaced job's call). The tracker's own time also
   * dates a snapshot taken while our call was on its way, and holds when its clock and ours differ.
   */
  const recordAccepted = async (items: readonly Item[], sentAt: string): Promise<void> => {
    if (items.length === 0) return;
    const at = new Date().toISOString();
    const states: TrackerState[] = [];
    const ranks = new Map<string, number>();
    const audit: AuditEntry[] = [];
    for (const { record, changes, landedAt } of items) {
      states.push({
        id: record.id,
        current: { ...record.current, ...changes },
        lastWrittenAt: landedAt ?? sentAt,
      });
      if (changes.sortKey !== undefined) ranks.set(record.id, changes.sortKey);
      const base = { at, trackerId, issueId: record.id, key: record.key, why: data.why };
      for (const [field, to] of Object.entries(changes)) {
        audit.push(
          AuditLog.entry({ ...base, field }, record.current[field as keyof WriteValues], to),
        );
      }
    }
    const ids = items.map((i) => i.record.id);
    // One MULTI (one per hash tag on a cluster): a socket write costs more than its commands.
    await ctx.store.recordWritten(trackerId, states, ranks, (multi) => {
      ctx.audit.addTo(multi, audit);
      ctx.locks.addDone(multi, trackerId, ids);
      ctx.meta.addClearFailures(multi, trackerId, ids);
      // Counted with the writes it counts: a kill between two commands cannot drop it.
      if (data.runId) ctx.runs.addCount(multi, data.runId, { written: items.length });
    });
    outcome.written += items.length;
    ctx.metrics.writes.inc({ tracker: trackerId, result: 'written' }, items.length);
  };

  /**
   * One request (a single issue, or a batch), sent again after a 429 pause. It goes once the
   * runner's last result is recorded (`runner.recorded`), and leaves its own result being
   * recorded there: the record travels with the next call's turn, one round trip less on each
   * call's critical path.
   */
  const writeUnit = async (
    unit: readonly IssueRecord[],
    atMs: number,
    runner: { recorded: Promise<void> },
  ): Promise<void> => {
    let items: Item[] = unit.flatMap((record) => {
      const changes = changedValues(record.current, record.desired);
      return changes ? [{ record, changes }] : [];
    });
    for (let pauses = 0; items.length > 0; pauses++) {
      if (outcome.rateLimitedMs !== null) return; // the job goes back to the queue
      if (outcome.replaced) return; // a later run of this job does the rest
      // The booked slot, moved by every pause since (a refused call keeps its slot: it goes
      // first once the pause it caused is over).
      // A result that could not be recorded (Redis gone) throws here: no call goes after it.
      const [waited] = await Promise.all([
        ctx.limiter.waitTurn(trackerId, atMs, booking.shift, booking.intervalMs),
        runner.recorded,
      ]);
      if (waited > 0) ctx.metrics.rateLimitWaits.inc({ tracker: trackerId }, waited / 1000);
      // Issues that left the scope are forgotten first, so the claim drops them (scope-check.ts).
      await ensureScopeFresh(ctx, trackerId);
      const claimed = await ctx.locks.claim(
        trackerId,
        items.map((i) => i.record.id),
        callTtlMs,
        owner,
      );
      const refusedAll = items.filter((i) => !claimed.has(i.record.id));
      // Issues that left the state (the scope) while this call waited for its slot are dropped;
      // the rest are another job's now.
      const stillHeld =
        refusedAll.length === 0
          ? []
          : await ctx.store.getMany(
              trackerId,
              refusedAll.map((i) => i.record.id),
            );
      const refused = refusedAll.filter((_, k) => stillHeld[k] !== null);
      for (const i of refused) busy(i.record);
      if (await replacedOn(refused.map((i) => i.record))) outcome.replaced = true;
      items = items.filter((i) => claimed.has(i.record.id));
      if (items.length === 0) return;
      let results: unknown[];
      const sentAt = new Date().toISOString();
      try {
        results = await connector.write(
          items.map(({ record, changes }) => ({ ref: refOf(record), changes })),
        );
      } catch (err) {
        results = items.map(() => err);
      }
      // The budget the tracker just reported paces every process's next calls (rate-limiter.ts).
      await ctx.limiter.followBudget(trackerId, connector.budget());
      const accepted: Item[] = [];
      const limited: Item[] = [];
      let retryAfterMs = 0;
      for (const [i, item] of items.entries()) {
        const result = results[i] ?? null;
        const err = written(result) ? null : result;
        const limitedFor = rateLimitedFor(err);
        if (err === null) accepted.push({ ...item, landedAt: landedAtOf(result) });
        else if (limitedFor !== null) {
          ctx.metrics.apiErrors.inc({ tracker: trackerId, class: 'rate_limited' });
          limited.push(item);
          retryAfterMs = Math.max(retryAfterMs, limitedFor);
        } else await classify(ctx, item.record, err, outcome);
      }
      runner.recorded = recordAccepted(accepted, sentAt);
      // Awaited by the next call (or the runner's end); handled now, so a failure that lands
      // before then is not an unhandled rejection.
      runner.recorded.catch(() => undefined);
      if (limited.length === 0) return;
      // Every process stops for exactly what the tracker asked, and the schedule moves with it.
      await ctx.limiter.pause(trackerId, Date.now() + retryAfterMs);
      if (pauses + 1 >= MAX_PAUSES_IN_JOB) {
        outcome.rateLimitedMs = Math.max(outcome.rateLimitedMs ?? 0, retryAfterMs);
        return;
      }
      items = limited;
    }
  };

  try {
    // Calls a replaced run may still have out land (and are recorded) before this job looks.
    const unsure = await ctx.locks.waitForSenders(
      trackerId,
      [...locks].filter(([, state]) => state === 'unsure').map(([id]) => id),
      callTtlMs,
    );
    // Read again now that the locks are held: the records above were read before, and a job
    // that held an issue then may have recorded its write and unlocked it in between. Sending
    // from the older read repeated that job's edit (the cluster failover test caught it, when
    // jobs resumed together after the promotion).
    const lockedNow = (await ctx.store.getMany(trackerId, [...locks.keys()])).filter(
      (r): r is IssueRecord => r !== null && changedValues(r.current, r.desired) !== null,
    );
    const queue = await readBackUnsure(lockedNow, (id) => unsure.has(id));
    if (unsure.size > 0) {
      // Rare (a writer died or was replaced mid-call) and worth knowing at 3 a.m.
      const unsureNow = lockedNow.filter((r) => unsure.has(r.id));
      const toSend = new Set(queue.map((r) => r.id));
      ctx.logger.info(
        {
          trackerId,
          owner,
          unrecorded: unsureNow.map((r) => r.key),
          landed: unsureNow.filter((r) => !toSend.has(r.id)).map((r) => r.key),
        },
        'write calls that went out unrecorded were read back from the tracker',
      );
    }
    const units: IssueRecord[][] = [];
    for (let i = 0; i < queue.length; i += perCall) units.push(queue.slice(i, i + perCall));
    let nextUnit = 0;
    const runners = Array.from({ length: Math.min(CALLS_IN_FLIGHT, units.length) }, async () => {
      const runner = { recorded: Promise.resolve() };
      for (let k = nextUnit++; k < units.length; k = nextUnit++) {
        await writeUnit(units[k] as IssueRecord[], booking.at[k] ?? Date.now(), runner);
      }
      // Every result is recorded (or its recording failed) before the locks go.
      await runner.recorded;
    });
    await allSettled(runners);
  } finally {
    await ctx.locks.unlock(trackerId, [...locks.keys()], owner);
  }
  return outcome;

  /**
   * Issues whose last call went out unrecorded (a dead writer, a timeout): reads what the tracker
   * holds. Where it already holds what we want, that call landed: record it (once) and skip it;
   * else send only what still differs. Returns the records still to write.
   */
  async function readBackUnsure(
    locked: IssueRecord[],
    unsure: (id: string) => boolean,
  ): Promise<IssueRecord[]> {
    const out: (IssueRecord | null)[] = [...locked];
    const todo = locked.flatMap((r, i) => (unsure(r.id) ? [i] : []));
    let next = 0;
    const readers = Array.from({ length: Math.min(CALLS_IN_FLIGHT, todo.length) }, async () => {
      for (let k = next++; k < todo.length; k = next++) {
        const index = todo[k] as number;
        const record = locked[index] as IssueRecord;
        let held: WriteValues;
        let heldSince: string;
        try {
          // Paced like every read: it waits out the tracker's pause rather than extend it.
          await ctx.limiter.readTurn(trackerId);
          const fetched = await connector.fetchIssue(record.id);
          if (fetched === null) continue; // gone or out of scope: the write decides
          held = { ...record.current, ...fetched.current };
          // The unrecorded call landed no later than the tracker's last update of the issue.
          heldSince = Number.isFinite(Date.parse(fetched.updatedAt))
            ? fetched.updatedAt
            : new Date().toISOString();
        } catch (err) {
          out[index] = null;
          outcome.transient.push({
            id: record.id,
            key: record.key,
            message: `could not read back an unrecorded write: ${err instanceof Error ? err.message : String(err)}`,
          });
          continue;
        }
        const wanted = changedValues(record.current, record.desired);
        if (wanted !== null && changedValues(held, record.desired) === null) {
          await recordAccepted([{ record, changes: wanted }], heldSince);
          out[index] = null;
        } else {
          out[index] = { ...record, current: held };
        }
      }
    });
    await allSettled(readers);
    return out.filter((r): r is IssueRecord => r !== null);
  }
}

/**
 * Waits for every runner, then throws the first error. A runner that fails (Redis unreachable
 * during a failover, say) must not release the locks while the others still have calls out: the
 * job's retry would read the issues before those calls are recorded and send them again.
 */
async function allSettled(runners: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(runners);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

const refOf = (record: IssueRecord) => ({
  trackerId: record.trackerId,
  id: record.id,
  key: record.key,
});

export function trackerConfig(
  ctx: PipelineContext,
  trackerId: string,
): { writesPerSec: number; timeoutMs: number } {
  const tracker = ctx.config.trackers.find((t) => t.id === trackerId);
  if (!tracker) throw new Error(`unknown tracker '${trackerId}'`);
  return tracker;
}

/** Records a failed item in the outcome (a 429 never gets here: the unit waits it out). */
function classify(
  ctx: PipelineContext,
  record: IssueRecord,
  err: unknown,
  outcome: WriteOutcome,
): Promise<void> | void {
  const failure = {
    id: record.id,
    key: record.key,
    message: err instanceof Error ? err.message : String(err),
  };
  if (!isTrackerError(err)) {
    outcome.transient.push(failure);
    return;
  }
  ctx.metrics.apiErrors.inc({ tracker: record.trackerId, class: err.kind });
  switch (err.kind) {
    case 'rate_limited':
    case 'transient':
      outcome.transient.push(failure);
      return;
    case 'permanent':
      outcome.permanent.push(failure);
      return;
    case 'not_found':
      // The issue is gone: forget it rather than fail forever.
      ctx.logger.info(
        { trackerId: record.trackerId, key: record.key },
        'issue no longer exists; removed from state',
      );
      return ctx.store.remove(record);
  }
}
