/**
 * The write loop of one write job: for each issue, re-read what it should hold, send only what
 * differs (one call per issue), and record the result. Reading fresh state here (not from the job)
 * makes retries, re-runs and overlapping jobs harmless: an issue already right is skipped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isTrackerError, type WriteValues } from '../domain/index.js';
import { changedValues } from '../scoring/write-diff.js';
import { AuditLog, type AuditEntry } from '../store/audit.js';
import type { IssueRecord } from '../store/issue-record.js';
import type { TrackerState } from '../store/issue-store.js';
import { connectorFor, type PipelineContext } from './context.js';

export interface WriteFailure {
  id: string;
  key: string;
  message: string;
}

export interface WriteOutcome {
  written: number;
  /** Set when the tracker answered 429: stop and pause the tracker's queue this long. */
  rateLimitedMs: number | null;
  transient: WriteFailure[];
  permanent: WriteFailure[];
}

/** Calls in flight per write job; the tracker's rate limit in Redis is the real bound. */
const CALLS_IN_FLIGHT = 8;
/** An issue is written by one job at a time; the lock outlives the request timeout by this. */
const LOCK_MARGIN_MS = 5000;

export async function writeIssues(
  ctx: PipelineContext,
  data: { trackerId: string; issueIds: string[]; why: string },
  /** Who holds the issues' write locks (the job id: a re-run of the same job may take them back). */
  owner: string,
): Promise<WriteOutcome> {
  const connector = connectorFor(ctx, data.trackerId);
  const tracker = trackerConfig(ctx, data.trackerId);
  const outcome: WriteOutcome = { written: 0, rateLimitedMs: null, transient: [], permanent: [] };
  const records = (await ctx.store.getMany(data.trackerId, data.issueIds)).filter(
    (r): r is IssueRecord => r !== null && changedValues(r.current, r.desired) !== null,
  );
  const locked = await ctx.locks.lock(
    data.trackerId,
    records.map((r) => r.id),
    tracker.timeoutMs + LOCK_MARGIN_MS,
    owner,
  );
  const states: TrackerState[] = [];
  const ranks = new Map<string, number>();
  const audit: AuditEntry[] = [];
  const at = new Date().toISOString();

  const succeeded = (record: IssueRecord, changes: WriteValues): void => {
    outcome.written++;
    ctx.metrics.writes.inc({ tracker: data.trackerId, result: 'written' });
    states.push({ id: record.id, current: { ...record.current, ...changes }, lastWrittenAt: at });
    if (changes.sortKey !== undefined) ranks.set(record.id, changes.sortKey);
    const base = {
      at,
      trackerId: record.trackerId,
      issueId: record.id,
      key: record.key,
      why: data.why,
    };
    for (const [field, to] of Object.entries(changes)) {
      audit.push(
        AuditLog.entry({ ...base, field }, record.current[field as keyof WriteValues], to),
      );
    }
  };

  /** One request: a single issue, or a batch when the connector can write many at once. */
  const writeUnit = async (unit: IssueRecord[], waitMs: number): Promise<void> => {
    const items = unit.flatMap((record) => {
      const changes = changedValues(record.current, record.desired);
      return changes ? [{ record, changes }] : [];
    });
    if (items.length === 0 || outcome.rateLimitedMs !== null) return;
    const wait = waitMs - (Date.now() - reservedAt);
    if (wait > 0) {
      ctx.metrics.rateLimitWaits.inc({ tracker: data.trackerId }, wait / 1000);
      await sleep(wait);
    }
    const refs = items.map(({ record, changes }) => ({
      ref: { trackerId: record.trackerId, id: record.id, key: record.key },
      changes,
    }));
    let errors: unknown[];
    try {
      errors = await connector.write(refs);
    } catch (err) {
      errors = items.map(() => err);
    }
    for (const [i, { record, changes }] of items.entries()) {
      const err = errors[i] ?? null;
      if (err === null) succeeded(record, changes);
      else await classify(ctx, record, err, outcome);
    }
  };

  const queue = records.filter((r) => locked.has(r.id));
  for (const r of records)
    if (!locked.has(r.id))
      outcome.transient.push({
        id: r.id,
        key: r.key,
        message: 'another job is writing this issue',
      });
  const perCall = Math.max(1, connector.maxWriteBatch);
  const units: IssueRecord[][] = [];
  for (let i = 0; i < queue.length; i += perCall) units.push(queue.slice(i, i + perCall));
  // One booking for the whole job: unit k may start `waits[k]` ms after `reservedAt`.
  const reservedAt = Date.now();
  const waits = await ctx.limiter.reserveMany(data.trackerId, tracker.writesPerSec, units.length);
  let nextUnit = 0;
  const runners = Array.from({ length: Math.min(CALLS_IN_FLIGHT, units.length) }, async () => {
    for (let k = nextUnit++; k < units.length; k = nextUnit++) {
      await writeUnit(units[k] as IssueRecord[], waits[k] ?? 0);
    }
  });
  try {
    await Promise.all(runners);
  } finally {
    await ctx.store.putTrackerState(data.trackerId, states);
    await ctx.store.putRanks(data.trackerId, ranks);
    await ctx.audit.append(audit);
    await ctx.meta.clearFailures(
      data.trackerId,
      states.map((s) => s.id),
    );
    await ctx.locks.unlock(data.trackerId, [...locked], owner);
  }
  return outcome;
}

export function trackerConfig(
  ctx: PipelineContext,
  trackerId: string,
): { writesPerSec: number; timeoutMs: number } {
  const tracker = ctx.config.trackers.find((t) => t.id === trackerId);
  if (!tracker) throw new Error(`unknown tracker '${trackerId}'`);
  return tracker;
}

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
      outcome.rateLimitedMs = Math.max(outcome.rateLimitedMs ?? 0, err.details.retryAfterMs ?? 0);
      return;
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
