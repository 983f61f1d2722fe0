/**
 * The job catalog: queue names, job names, payload schemas and default options. BullMQ's Lua
 * scripts touch several keys of a queue at once, so each queue's keys share one hash tag (one Redis
 * Cluster slot): the score queue lives under the deployment's tag `{<redisPrefix>}`, each tracker's
 * queue under that tracker's tag `{<redisPrefix>:<trackerId>}` (next to its state, src/store/keys.ts),
 * so a deployment's trackers spread over a cluster's masters. No flow spans two queues.
 *
 * Topology: one `tracker-<id>` queue per tracker carries that tracker's API calls (sync pages,
 * writes, rank moves), so a 429 pauses only that tracker; the shared `score` queue carries the
 * pure work (score one issue or a page, plan a tracker's writes).
 */
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { deploymentTag, trackerTag } from './store/keys.js';

export const SCORE_QUEUE = 'score';
export const trackerQueueName = (trackerId: string): string => `tracker-${trackerId}`;
/** BullMQ's prefix of the score queue (the deployment's hash tag). */
export const bullPrefix = (redisPrefix: string): string => deploymentTag(redisPrefix);
/** BullMQ's prefix of a tracker's queue (the tracker's hash tag). */
export const trackerBullPrefix = (redisPrefix: string, trackerId: string): string =>
  trackerTag(redisPrefix, trackerId);

export const JOB = {
  syncStart: 'sync-start',
  syncPage: 'sync-page',
  write: 'write',
  rank: 'rank',
  scorePage: 'score-page',
  scoreIssue: 'score-issue',
  plan: 'plan',
  reviewSnapshot: 'review-snapshot',
  reviewDigest: 'review-digest',
} as const;

const TrackerId = z.string().min(1);
const RunId = z.string().min(1);

export const SyncStartData = z
  .object({
    trackerId: TrackerId,
    full: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    runId: RunId.optional(),
    /**
     * Runs started together (e.g. `netvalue sync` of every tracker): their plans wait until all of
     * them are scored, since rank positions are unified across trackers.
     */
    group: z.array(RunId).optional(),
    /** Why it was started, when not the schedule (shown as the writes' `why`). */
    reason: z.string().min(1).optional(),
  })
  .strict();
export type SyncStartData = z.infer<typeof SyncStartData>;

export const SyncPageData = z
  .object({
    trackerId: TrackerId,
    runId: RunId,
    page: z.number().int().nonnegative(),
    cursor: z.string().nullable(),
    sinceIso: z.string().nullable(),
  })
  .strict();
export type SyncPageData = z.infer<typeof SyncPageData>;

/** A page of pulled issues to score; issues are validated again by the store's schema. */
export const ScorePageData = z
  .object({
    trackerId: TrackerId,
    runId: RunId,
    page: z.number().int().nonnegative(),
    /** A full pull: the ids seen are kept, so the plan can drop issues that left the scope. */
    full: z.boolean().default(false),
    issues: z.array(z.unknown()),
    /** When the page was asked for: issues removed after it stay out (IssueStore.removedSince). */
    pulledAtMs: z.number().optional(),
  })
  .strict();
export type ScorePageData = z.infer<typeof ScorePageData>;

/**
 * One issue changed (webhook). The issue snapshot, when the payload carried one, waits in Redis
 * (keys.snapshots) rather than in the job, so a de-duplicated burst still scores the newest state.
 */
export const ScoreIssueData = z
  .object({
    trackerId: TrackerId,
    issueId: z.string().min(1),
    remove: z.boolean().default(false),
    receivedAtMs: z.number().optional(),
  })
  .strict();
export type ScoreIssueData = z.infer<typeof ScoreIssueData>;

export const PlanData = z
  .object({
    trackerId: TrackerId,
    runId: RunId.nullable(),
    /** Re-score every stored issue first (formula change). */
    rescore: z.boolean().default(false),
  })
  .strict();
export type PlanData = z.infer<typeof PlanData>;

export const WriteData = z
  .object({
    trackerId: TrackerId,
    runId: RunId.nullable(),
    issueIds: z.array(z.string().min(1)).min(1),
    why: z.string().default('net value changed'),
    receivedAtMs: z.number().optional(),
  })
  .strict();
export type WriteData = z.infer<typeof WriteData>;

const RankBatchData = z
  .object({
    ids: z.array(z.string().min(1)).min(1),
    before: z.string().optional(),
    after: z.string().optional(),
  })
  .strict()
  .refine(
    (d) => (d.before === undefined) !== (d.after === undefined),
    'exactly one of before/after',
  );

/**
 * A plan's rank moves for one tracker, applied in order by one job: a later batch may be anchored
 * on an issue an earlier one moved, so batches must not run in parallel.
 */
export const RankData = z
  .object({
    trackerId: TrackerId,
    runId: RunId.nullable(),
    batches: z.array(RankBatchData).min(1),
    /** The rank each moved issue will have afterwards (kept locally until the next pull). */
    newRanks: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    /**
     * The order generation its plan took (WriteLocks.nextOrderGeneration): the job stops once a
     * later plan started. Absent (an approved review plan, an older version's job): never stops.
     */
    generation: z.number().int().positive().optional(),
  })
  .strict();
export type RankData = z.infer<typeof RankData>;

/** The review's scheduled jobs (src/review/schedule.ts) carry nothing: config says the rest. */
export const ReviewJobData = z.object({}).strict();
export type ReviewJobData = z.infer<typeof ReviewJobData>;

/** Retries with exponential backoff and jitter; bounded retention of finished jobs. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 86_400, count: 10_000 },
};

/**
 * Writes and rank moves wait behind a tracker's sync jobs (BullMQ serves jobs without a priority
 * before prioritized ones). A scheduled tick then runs within seconds even behind a backlog of
 * writes held to the tracker's pace, so issues that left the scope are forgotten before their
 * queued writes go out (the soak: ticks waited minutes, and writes reached issues that had left
 * the scope two minutes before).
 */
export const WRITE_JOB_PRIORITY = 10;

/** Issues per write job: amortises queue overhead while keeping one job's retry cheap. */
export const WRITE_BATCH = 50;
