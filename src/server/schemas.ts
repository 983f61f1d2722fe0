/**
 * Response shapes of the admin API as zod schemas: they type the handlers and document the routes
 * (OpenAPI). Each mirrors a type from the core; `satisfies`-style annotations keep them in step.
 */
import { z } from 'zod';
import { WorkTypeSchema, WriteValuesSchema } from '../domain/issue.js';
import { AuditEntrySchema } from '../store/audit.js';
import { HistoryEntrySchema } from '../store/history.js';
import { FailureRecordSchema } from '../store/meta.js';
import type { RankingItem } from '../pipeline/ranking-view.js';
import type { PlanItem, PlanView } from '../pipeline/review-plans.js';
import { PlanChangeSchema, PlanMoveSchema } from '../store/pending-plans.js';
import { MoneyInputsSchema } from '../store/issue-record.js';
import type { RunSummary } from '../store/run-store.js';

export const ScoreStatus = z.enum(['scored', 'unscored', 'invalid']);

export const RankingItemSchema: z.ZodType<RankingItem> = z.object({
  rank: z.number().int(),
  trackerId: z.string(),
  key: z.string(),
  title: z.string(),
  url: z.string(),
  status: ScoreStatus,
  valueUsdPerMonth: z.number().nullable(),
  costUsd: z.number().nullable(),
  netValueUsd: z.number().nullable(),
  netValueLowUsd: z.number().nullable().describe('P10 of the net value (= net value for points)'),
  netValueHighUsd: z.number().nullable().describe('P90 of the net value (= net value for points)'),
  confidencePct: z.number().nullable().describe('chance (whole %) the net value is above $0'),
  cd3: z.number().nullable().describe('mean Value ($/month) per mean Cost hour; null if unknown'),
  reason: z.string(),
  explanation: z.string(),
  workType: z.enum(['technical', 'product', 'unclassified']),
  workTypeRule: z.string().describe('the workType rule that matched, or why none did'),
});

export const RunSummarySchema: z.ZodType<RunSummary> = z.object({
  runId: z.string(),
  trackerId: z.string(),
  full: z.boolean(),
  dryRun: z.boolean(),
  status: z.enum(['running', 'done']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  pulled: z.number(),
  scored: z.number(),
  unscored: z.number(),
  invalid: z.number(),
  written: z.number(),
  unchanged: z.number(),
  failed: z.number(),
  moved: z.number(),
  failures: z.array(z.object({ trackerId: z.string(), key: z.string(), message: z.string() })),
});

const NetValueSchema = z.object({
  status: ScoreStatus,
  valueUsdPerMonth: z.number().nullable(),
  costUsd: z.number().nullable(),
  netValueUsd: z.number().nullable().describe('the expected net value'),
  netValueLowUsd: z.number().nullable().describe('P10 of the net value'),
  netValueHighUsd: z.number().nullable().describe('P90 of the net value'),
  confidencePct: z.number().nullable().describe('chance (whole %) the net value is above $0'),
  cd3: z.number().nullable().describe('mean Value ($/month) per mean Cost hour; null if unknown'),
  reason: z.string().describe('why it is not scored; empty when scored'),
  explanation: z.string().describe('e.g. $5,000/mo x 1 mo - 40 h x $50/h = $3,000'),
});

/** One stored issue with its unified rank and audit trail (`GET /admin/issues/:trackerId/:key`). */
export const IssueDetail = z.object({
  rank: z.number().int().nullable().describe('position in the unified ranking (1 first)'),
  trackerId: z.string(),
  id: z.string(),
  key: z.string(),
  title: z.string(),
  url: z.string(),
  updatedAt: z.string(),
  pinned: z.boolean(),
  inputs: MoneyInputsSchema,
  result: NetValueSchema,
  current: WriteValuesSchema.describe('values the tracker holds'),
  desired: WriteValuesSchema.describe('values it should hold'),
  trackerRank: z
    .union([z.string(), z.number(), z.null()])
    .describe("the tracker's own rank value (Jira LexoRank, Linear prioritySortOrder)"),
  scoredWith: z.string().describe('hash of the scoring settings the result was computed with'),
  lastWrittenAt: z.string().nullable(),
  workType: WorkTypeSchema.describe('technical or product work, and the rule that matched'),
  audit: z.array(AuditEntrySchema),
  history: z
    .array(HistoryEntrySchema)
    .describe('score history, newest first: what changed in inputs, net value, risk, rank'),
});

export const QueueStatus = z.object({
  name: z.string(),
  counts: z.record(z.string(), z.number()),
  paused: z.boolean(),
  rateLimitTtlMs: z.number().describe('time left of a rate-limit pause (0: none)'),
});

export const RateBudgetSchema = z.object({
  requestsRemaining: z.number().nullable(),
  requestsLimit: z.number().nullable(),
  resetAtMs: z.number().nullable(),
  complexityRemaining: z.number().nullable().optional(),
});

export const PreviewPositionSchema = z.object({
  rank: z.number().int(),
  netValueUsd: z.number().nullable(),
  status: ScoreStatus,
});

/** A failure of a tracker's latest sync run (`GET /admin/failed`): a pull, a skip or a write. */
export const RunFailureEntrySchema = z.object({
  trackerId: z.string(),
  runId: z.string(),
  key: z
    .string()
    .describe(
      'the issue key, or what failed when not one issue: (page N), (sync), (rank N issues)',
    ),
  message: z.string().describe('why it failed, as an admin can act on it'),
});

/** A 400 whose message names the allowed tracker ids. */
export function trackerIdOf(ids: readonly string[]) {
  return z.string().refine((id) => ids.includes(id), {
    error: (issue) =>
      `unknown tracker '${String(issue.input)}'; configured: ${ids.join(', ') || '(none)'}`,
  });
}

export { AuditEntrySchema, FailureRecordSchema as FailureSchema };

/** One issue's pending writes in review mode (`GET /admin/plans`). */
export const PlanItemSchema: z.ZodType<PlanItem> = z.object({
  key: z.string().describe('issue key, e.g. APP-9'),
  issueId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  changes: z.array(PlanChangeSchema),
  move: PlanMoveSchema.nullable().describe("the issue's move in the tracker's order, in words"),
  why: z.string().describe('the explanation of the net value behind the change'),
});

/** A review-mode tracker's pending plan. */
export const PlanViewSchema: z.ZodType<PlanView> = z.object({
  trackerId: z.string(),
  kind: z.string().describe('jira, linear'),
  writeMode: z.literal('review'),
  updatedAt: z.string().describe('when the plan was last re-planned'),
  items: z.array(PlanItemSchema),
});

/** Which items an approve or discard is about; absent = all of them. */
export const PlanKeysBody = z
  .object({ keys: z.array(z.string().min(1)).min(1).optional() })
  .strict()
  .optional();
