/**
 * Issues that left the scope (done, moved to another project or team, deleted) leave the state at
 * once, so nothing is written to them (docs/architecture.md, "Scope before writes"). Three paths
 * ask the tracker which issues left, ids only:
 * - an incremental pull's first page (`PullPage.removedIds`);
 * - a scheduled tick skipped because a long run holds the tracker (`checkScopeMeanwhile`);
 * - a write or rank call, when no check was made in the last SCOPE_FRESH_MS (`ensureScopeFresh`):
 *   when the queue is busy with writes, ticks wait behind them and a leaver was written to a
 *   minute after it left (the soak).
 */
import { isTrackerError } from '../domain/index.js';
import { connectorFor, type PipelineContext } from './context.js';
import { rateLimitedFor } from './job-errors.js';

/** A check this recent covers every write: at most one ids-only read per tracker per 10 s. */
export const SCOPE_FRESH_MS = 10_000;
/** Tries per skipped tick to ask which issues left the scope. */
const LEFT_SCOPE_ATTEMPTS = 3;
/** The longest pause a skipped tick waits out before asking which issues left the scope. */
const LEFT_SCOPE_MAX_WAIT_MS = 10_000;

/**
 * Issues the tracker reports as out of scope now leave the state and the ranking; the next plan
 * closes the gap in the positions. Ids netvalue never held are ignored.
 */
export async function forgetLeavers(
  ctx: PipelineContext,
  data: { trackerId: string; runId: string | null },
  ids: readonly string[],
): Promise<void> {
  const held = (await ctx.store.getMany(data.trackerId, ids)).filter((r) => r !== null);
  for (const record of held) await ctx.store.remove(record);
  if (held.length > 0) {
    ctx.logger.info(
      { runId: data.runId, trackerId: data.trackerId, keys: held.map((r) => r.key) },
      'issues left the scope: removed from the ranking',
    );
  }
}

/** Which issues left was asked at `askedAtMs` (an incremental pull's first page, a tick). */
export async function scopeCheckedAt(
  ctx: PipelineContext,
  trackerId: string,
  askedAtMs: number,
): Promise<void> {
  await ctx.meta.scopeChecked(trackerId, SCOPE_FRESH_MS, Date.now() - askedAtMs);
}

/**
 * Since when to ask: the watermark, or, before the first run finished (none yet), since the first
 * run started (kept by MetaStore.noteFirstRun). Null when neither is known.
 */
export async function checkSince(ctx: PipelineContext, trackerId: string): Promise<string | null> {
  return (await ctx.meta.watermark(trackerId)) ?? (await ctx.meta.firstRun(trackerId));
}

/** One check: paced like every read. Throws what the tracker answered. */
async function checkOnce(ctx: PipelineContext, trackerId: string, since: string): Promise<void> {
  await ctx.limiter.readTurn(trackerId);
  const ids = await connectorFor(ctx, trackerId).leftScope(since);
  if (ids.length > 0) await forgetLeavers(ctx, { trackerId, runId: null }, ids);
}

/**
 * While another run holds the tracker: asks which issues left the scope since `sinceIso` and
 * forgets them. A transient failure (a 5xx, a reset) is asked again at once, up to
 * LEFT_SCOPE_ATTEMPTS times: a missed check leaves a leaver ranked, and written to, until the next
 * tick (the soak saw writes a minute after an issue left, at 20 % of requests failing). A short
 * pause is waited out; a rate limit pauses the tracker and waits for the next tick.
 */
export async function checkScopeMeanwhile(
  ctx: PipelineContext,
  trackerId: string,
  sinceIso: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A short pause (a 429's Retry-After) is waited out rather than skipping the check: the
      // writes queued before it go when it ends, and would go to leavers until the next check
      // (the soak: 108 429s in 3 minutes kept the trackers paused at most ticks). A long one is
      // left to a later tick, so the tick does not hold a worker.
      if ((await ctx.limiter.pausedUntil(trackerId)) > Date.now() + LEFT_SCOPE_MAX_WAIT_MS) return;
      const askedAt = Date.now();
      await checkOnce(ctx, trackerId, sinceIso);
      await scopeCheckedAt(ctx, trackerId, askedAt);
      return;
    } catch (err) {
      const limitedFor = rateLimitedFor(err);
      if (limitedFor !== null) await ctx.limiter.pause(trackerId, Date.now() + limitedFor);
      const again = limitedFor === null && attempt < LEFT_SCOPE_ATTEMPTS && isTransient(err);
      ctx.logger.debug(
        { trackerId, attempt, err: err instanceof Error ? err.message : String(err) },
        again
          ? 'could not ask for issues that left the scope; asking again'
          : 'could not ask for issues that left the scope; the next tick asks again',
      );
      if (!again) return;
    }
  }
}

/**
 * Immediately before a write or rank call: when no check was made in the last SCOPE_FRESH_MS,
 * this caller (one across every process) asks which issues left and forgets them, so the call's
 * claim then drops them. A check that fails is given back for the next call to make, and the
 * call goes on: its tracker answers for itself, and a rate limit pauses the tracker as usual.
 */
export async function ensureScopeFresh(ctx: PipelineContext, trackerId: string): Promise<void> {
  if (!(await ctx.meta.claimScopeCheck(trackerId, SCOPE_FRESH_MS))) return;
  try {
    const since = await checkSince(ctx, trackerId);
    if (since !== null) await checkOnce(ctx, trackerId, since);
  } catch (err) {
    await ctx.meta.scopeCheckFailed(trackerId);
    const limitedFor = rateLimitedFor(err);
    if (limitedFor !== null) await ctx.limiter.pause(trackerId, Date.now() + limitedFor);
    ctx.logger.debug(
      { trackerId, err: err instanceof Error ? err.message : String(err) },
      'could not ask for issues that left the scope before writing; the next call asks again',
    );
  }
}

function isTransient(err: unknown): boolean {
  return isTrackerError(err) && err.kind === 'transient';
}
