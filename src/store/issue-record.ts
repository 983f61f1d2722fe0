import { z } from 'zod';
import type { Issue, NetValue, WriteValues } from '../domain/index.js';

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
}

const RawInput = z.union([z.number(), z.string(), z.null()]);
const WriteValuesSchema = z
  .object({
    netValueUsd: z.number().nullable().optional(),
    rankPosition: z.number().nullable().optional(),
    priority: z.number().nullable().optional(),
    sortKey: z.number().optional(),
    note: z.string().nullable().optional(),
  })
  .strict();

/** An issue's money inputs (see MoneyInputs). */
export const MoneyInputsSchema = z.object({
  value: RawInput,
  cost: RawInput,
  costUnit: z.enum(['hours', 'points', 'usd']),
  hoursPerPoint: z.number().optional(),
  valueSource: z.string().optional(),
  costSource: z.string().optional(),
});

/** Validates an Issue that crossed a process boundary (job payload). */
export const IssueSchema = z
  .object({
    trackerId: z.string().min(1),
    id: z.string().min(1),
    key: z.string().min(1),
    title: z.string(),
    url: z.string(),
    issueType: z.string().optional(),
    labels: z.array(z.string()),
    updatedAt: z.string(),
    inputs: MoneyInputsSchema.strict(),
    current: WriteValuesSchema,
    rank: z.union([z.string(), z.number(), z.null()]),
    pinned: z.boolean(),
  })
  .strict();

export function parseIssue(raw: unknown): Issue {
  return IssueSchema.parse(raw) as Issue;
}
