/**
 * The job catalog's other half: for every job name (src/queues.ts), the queue it runs on, the
 * schema its payload must match and the processor that runs it. The dispatcher in
 * workers/index.ts parses the payload once, before the processor runs, so a processor receives
 * typed data and a bad payload fails once with the field named (docs/architecture.md).
 */
import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { PipelineContext } from '../src/pipeline/context.js';
import {
  JOB,
  PlanData,
  RankData,
  ReviewJobData,
  ScoreIssueData,
  ScorePageData,
  SyncPageData,
  SyncStartData,
  WriteData,
} from '../src/queues.js';
import { processPlan } from './plan.js';
import { processReviewDigest, processReviewSnapshot } from './review-digest.js';
import { processScoreIssue, processScorePage } from './score.js';
import { processSyncPage, processSyncStart } from './sync.js';
import { processRank, processWrite } from './write.js';

/** A processor gets the payload already parsed by its schema. */
export type Processor<D> = (ctx: PipelineContext, data: D, job: Job) => Promise<unknown>;

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** `score`: the shared queue of pure work; `tracker`: the tracker's own queue (its API calls). */
  queue: 'score' | 'tracker';
  schema: S;
  process: Processor<z.output<S>>;
}

function define<S extends z.ZodType>(
  queue: JobDefinition['queue'],
  schema: S,
  process: Processor<z.output<S>>,
): JobDefinition {
  return { queue, schema, process: process as Processor<unknown> };
}

export const JOB_CATALOG: Readonly<Record<string, JobDefinition>> = {
  [JOB.syncStart]: define('tracker', SyncStartData, processSyncStart),
  [JOB.syncPage]: define('tracker', SyncPageData, processSyncPage),
  [JOB.write]: define('tracker', WriteData, processWrite),
  [JOB.rank]: define('tracker', RankData, processRank),
  [JOB.scorePage]: define('score', ScorePageData, processScorePage),
  [JOB.scoreIssue]: define('score', ScoreIssueData, processScoreIssue),
  [JOB.plan]: define('score', PlanData, processPlan),
  [JOB.reviewSnapshot]: define('score', ReviewJobData, processReviewSnapshot),
  [JOB.reviewDigest]: define('score', ReviewJobData, processReviewDigest),
};
