/** A sync run as stored in its hash and lists, and how it is read back (every field parsed). */
import { z } from 'zod';
import { parseStored, parseStoredJson, type OnCorrupt } from './corrupt.js';

export const RUN_COUNTERS = [
  'pulled',
  'scored',
  'unscored',
  'invalid',
  'written',
  'unchanged',
  'failed',
  'moved',
] as const;
export type RunCounter = (typeof RUN_COUNTERS)[number];

const RunFailureSchema = z.object({ trackerId: z.string(), key: z.string(), message: z.string() });
export type RunFailure = z.infer<typeof RunFailureSchema>;

const Flag = z.enum(['0', '1']).transform((v) => v === '1');
const Count = z
  .string()
  .regex(/^-?\d+$/)
  .transform(Number);
const RunIds = z
  .string()
  .transform((json, ctx) => {
    try {
      return JSON.parse(json) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `not JSON: ${json.slice(0, 80)}` });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.string()));

/** A run's hash as stored (fields are strings); `runId` is set by `create`. */
const RunHashSchema = z.object({
  runId: z.string().min(1),
  trackerId: z.string().min(1),
  full: Flag,
  dryRun: Flag,
  /** Set when a pull could not finish: the watermark stays and nothing is dropped as unseen. */
  pullFailed: Flag.optional(),
  /** Set once, when the plan queued the run's writes (a second plan job does nothing). */
  writesPlanned: z.string().optional(),
  status: z.enum(['running', 'done']),
  startedAt: z.string().min(1),
  finishedAt: z.string().optional(),
  sinceIso: z.string().optional(),
  /** Run ids started together with this one (see scorePhaseDone). */
  group: RunIds.optional(),
  /** Why the run was started, when not the schedule (`scoring settings changed`). */
  reason: z.string().optional(),
  /** The tracker's rank-call count when the run started (WriteLocks.noteRankCall). */
  rankCalls: Count.optional(),
});
const CountersSchema = z.record(z.enum(RUN_COUNTERS), Count);

/** What the pipeline reads of a run to decide its next step. */
export interface RunInfo {
  runId: string;
  trackerId: string;
  full: boolean;
  dryRun: boolean;
  pullFailed: boolean;
  /** The plan has queued the run's writes (see planWrites). */
  planned: boolean;
  status: 'running' | 'done';
  startedAt: string;
  finishedAt: string | null;
  /** Run ids started together with this one ([] when it runs alone). */
  group: string[];
  /** Why the run was started, when not the schedule: the writes' `why`. */
  reason: string | null;
  /**
   * The tracker's count of netvalue's rank calls before the pull (WriteLocks.noteRankCall), or
   * null: the plan of a full run reads the board again only if a rank call landed since.
   */
  rankCallsAtStart: number | null;
}

export interface RunSummary extends Record<RunCounter, number> {
  runId: string;
  trackerId: string;
  full: boolean;
  dryRun: boolean;
  status: 'running' | 'done';
  startedAt: string;
  finishedAt: string | null;
  failures: RunFailure[];
}

export function parseRunInfo(
  runId: string,
  hash: Record<string, string>,
  onCorrupt: OnCorrupt,
): RunInfo | null {
  // A hash without its runId is a leftover of an expired run (a late counter), not a run.
  if (!hash['runId']) return null;
  const at = {
    subject: 'run' as const,
    trackerId: hash['trackerId'] ?? '?',
    id: runId,
    field: 'run',
  };
  const run = parseStored(RunHashSchema, hash, at, onCorrupt);
  if (run === null) return null;
  return {
    runId,
    trackerId: run.trackerId,
    full: run.full,
    dryRun: run.dryRun,
    pullFailed: run.pullFailed ?? false,
    planned: run.writesPlanned !== undefined,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    group: run.group ?? [],
    reason: run.reason ?? null,
    rankCallsAtStart: run.rankCalls ?? null,
  };
}

/** The summary of a parsed run: its counters and failures (a corrupt failure is left out). */
export function parseRunSummary(
  run: RunInfo,
  hash: Record<string, string>,
  failures: readonly string[],
  onCorrupt: OnCorrupt,
): RunSummary | null {
  const at = {
    subject: 'run' as const,
    trackerId: run.trackerId,
    id: run.runId,
    field: 'run counters',
  };
  const picked = Object.fromEntries(RUN_COUNTERS.map((c) => [c, hash[c] ?? '0']));
  const counters = parseStored(CountersSchema, picked, at, onCorrupt);
  if (counters === null) return null;
  const failureAt = { ...at, field: 'run failure' };
  return {
    ...counters,
    runId: run.runId,
    trackerId: run.trackerId,
    full: run.full,
    dryRun: run.dryRun,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    failures: failures
      .map((json) => parseStoredJson(RunFailureSchema, json, failureAt, onCorrupt))
      .filter((f): f is RunFailure => f !== null),
  };
}
