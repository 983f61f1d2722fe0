/**
 * Runs syncs to completion from the caller's point of view: queue one run per tracker, follow
 * progress through Redis pub/sub (no polling), and return each run's summary.
 */
import type { PipelineContext } from './context.js';
import { enqueueSyncs } from './runs.js';
import type { RunSummary } from '../store/run-store.js';

export interface SyncRequest {
  trackerIds: string[];
  full: boolean;
  dryRun: boolean;
  /** Why the runs were started, when not on request (e.g. scoring settings changed). */
  reason?: string;
}

/**
 * Progress is read at most this often. A run publishes on every page and count, thousands of times
 * in a large sync, and reading the summaries after each took about 3 % of a full sync's CPU when
 * the workers share the process (`sync` without `serve`, the benchmarks).
 */
const PROGRESS_EVERY_MS = 100;

export async function runSync(
  ctx: PipelineContext,
  request: SyncRequest,
  onProgress: (summaries: RunSummary[]) => void = () => undefined,
): Promise<RunSummary[]> {
  let runIds: string[] = [];
  let settle: { resolve(s: RunSummary[]): void; reject(err: Error): void } | undefined;
  const done = new Promise<RunSummary[]>((resolve, reject) => (settle = { resolve, reject }));
  let checking = false;
  let again = false;
  let lastCheckAt = Number.NEGATIVE_INFINITY;
  let due: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        lastCheckAt = performance.now();
        const summaries = await Promise.all(runIds.map((id) => ctx.runs.summary(id)));
        const known = summaries.filter((s): s is RunSummary => s !== null);
        onProgress(known);
        if (known.length === runIds.length && known.every((s) => s.status === 'done')) {
          settle?.resolve(known);
          return;
        }
      } while (again);
    } catch (err) {
      settle?.reject(err instanceof Error ? err : new Error(String(err)));
    } finally {
      checking = false;
    }
  };
  // The first event after a quiet spell is read at once; those within PROGRESS_EVERY_MS of a
  // read are read together when it is over.
  const onEvent = (): void => {
    if (due !== undefined) return;
    const waitMs = lastCheckAt + PROGRESS_EVERY_MS - performance.now();
    if (waitMs <= 0) void check();
    else
      due = setTimeout(() => {
        due = undefined;
        void check();
      }, waitMs);
  };
  // Subscribed before the runs are queued, so no event of theirs can be missed.
  const events = await ctx.runs.subscribe((runId) => {
    if (runIds.includes(runId)) onEvent();
  });
  try {
    runIds = await enqueueSyncs(
      ctx,
      request.trackerIds.map((trackerId) => ({
        trackerId,
        full: request.full,
        dryRun: request.dryRun,
        ...(request.reason ? { reason: request.reason } : {}),
      })),
    );
    void check();
    return await done;
  } finally {
    clearTimeout(due);
    await events.close();
  }
}

/** Adds up several runs' summaries into the contract's `sync --json` shape. */
export function totals(summaries: readonly RunSummary[]) {
  const sum = (
    k: 'pulled' | 'scored' | 'unscored' | 'invalid' | 'written' | 'unchanged' | 'failed' | 'moved',
  ): number => summaries.reduce((n, s) => n + s[k], 0);
  return {
    pulled: sum('pulled'),
    scored: sum('scored'),
    unscored: sum('unscored'),
    invalid: sum('invalid'),
    written: sum('written'),
    unchanged: sum('unchanged'),
    moved: sum('moved'),
    failed: sum('failed'),
    failures: summaries.flatMap((s) => s.failures),
  };
}
