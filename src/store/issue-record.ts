import { z } from 'zod';
import type { Issue, NetValue, WriteValues } from '../domain/index.js';
import {
  MoneyInputsSchema,
  TrackerRankSchema,
  WorkTypeSchema,
  WriteValuesSchema,
  type WorkType,
} from '../domain/issue.js';

export { IssueSchema, MoneyInputsSchema, parseIssue } from '../domain/issue.js';

/** What netvalue keeps per issue: the tracker snapshot, the score, and what was/should be written. */
export interface IssueRecord {
  trackerId: string;
  id: string;
  key: string;
  title: string;
  url: string;
  updatedAt: string;
  inputs: Issue['inputs'];
  result: NetValue;
  /** Values the tracker holds (as pulled, then as written). */
  current: WriteValues;
  /** Values it should hold. */
  desired: WriteValues;
  /** The tracker's own rank value (see Issue.rank). */
  rank: string | number | null;
  pinned: boolean;
  /** Member of the unified ranking sorted set. */
  member: string;
  /** Hash of the scoring settings the result was computed with. */
  scoredWith: string;
  lastWrittenAt: string | null;
  /** Technical or product work and the rule that said so; absent on records stored before it. */
  workType?: WorkType | undefined;
}

/** The chance above $0 the money model gives a point net value: 100% above $0, else 0%. */
export function pointConfidencePct(netValueUsd: number | null): number | null {
  return netValueUsd === null ? null : netValueUsd > 0 ? 100 : 0;
}

/**
 * The money model's result as stored. The risk figures came with ranges: a record stored before
 * them (point inputs only) gets them filled in as the model gives them for point inputs
 * (P10 = P90 = net value; 100% above $0, or 0%); its CD3 stays unknown until it is scored again.
 * A record stored since leaves them out where they equal those (record-codec.ts).
 */
export const NetValueSchema = z
  .object({
    status: z.enum(['scored', 'unscored', 'invalid']),
    valueUsdPerMonth: z.number().nullable(),
    costUsd: z.number().nullable(),
    netValueUsd: z.number().nullable(),
    netValueLowUsd: z.number().nullable().optional(),
    netValueHighUsd: z.number().nullable().optional(),
    confidencePct: z.number().nullable().optional(),
    cd3: z.number().nullable().optional(),
    reason: z.string(),
    explanation: z.string(),
  })
  .transform(({ netValueLowUsd, netValueHighUsd, confidencePct, cd3, ...r }): NetValue => ({
    ...r,
    netValueLowUsd: netValueLowUsd === undefined ? r.netValueUsd : netValueLowUsd,
    netValueHighUsd: netValueHighUsd === undefined ? r.netValueUsd : netValueHighUsd,
    confidencePct: confidencePct !== undefined ? confidencePct : pointConfidencePct(r.netValueUsd),
    cd3: cd3 ?? null,
  })) satisfies z.ZodType<NetValue>;

// The stored parts of a record, one per hash (see IssueStore): each is parsed on every read.

/** The scorer's part: snapshot, score, ranking member, values scoring wants. */
export const StoredRecordSchema = z.object({
  trackerId: z.string().min(1),
  id: z.string().min(1),
  key: z.string().min(1),
  title: z.string(),
  url: z.string(),
  updatedAt: z.string(),
  inputs: MoneyInputsSchema,
  result: NetValueSchema,
  desired: WriteValuesSchema,
  pinned: z.boolean(),
  member: z.string().min(1),
  scoredWith: z.string(),
  workType: WorkTypeSchema.optional(),
}) satisfies z.ZodType<Omit<IssueRecord, 'current' | 'rank' | 'lastWrittenAt'>>;

/** The values a tracker holds (written by pulls and by write-back). */
export const TrackerStateSchema = z.object({
  id: z.string().min(1),
  current: WriteValuesSchema,
  lastWrittenAt: z.string().nullable(),
}) satisfies z.ZodType<Pick<IssueRecord, 'id' | 'current' | 'lastWrittenAt'>>;

/** The tracker's own rank of the issue. */
export const StoredRankSchema = TrackerRankSchema;

/** The values only the rank planner decides. */
export const PlannedSchema = WriteValuesSchema.pick({ rankPosition: true, sortKey: true });
