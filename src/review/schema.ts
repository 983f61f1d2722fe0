/**
 * The review's shape (`netvalue review --json`, `GET /admin/review`; README "Backlog reviews"), as
 * zod schemas: they type the computation and document the route (OpenAPI).
 */
import { z } from 'zod';

const WorkTypeName = z.enum(['technical', 'product', 'unclassified']);
const Status = z.enum(['scored', 'unscored', 'invalid']);

export const ShareFigures = z.object({
  count: z.number().int().describe('issues of this work type in the top N'),
  countPct: z.number().describe('their share of the top N by count, in %'),
  netValueUsd: z.number().describe('the sum of their net values'),
  sharePct: z
    .number()
    .describe('their share of the top N by net value (of the positive sum), in %'),
});
export type ShareFigures = z.infer<typeof ShareFigures>;

export const Share = ShareFigures.extend({
  before: ShareFigures.nullable().describe('the same figures at the baseline; null without one'),
});
export type Share = z.infer<typeof Share>;

export const Shares = z.object({ technical: Share, product: Share, unclassified: Share });
export type Shares = z.infer<typeof Shares>;

export const Mover = z.object({
  trackerId: z.string(),
  key: z.string(),
  title: z.string(),
  url: z.string(),
  workType: WorkTypeName,
  fromRank: z.number().int().nullable().describe('unified rank at the baseline; null: new issue'),
  toRank: z.number().int(),
  fromNetValueUsd: z.number().nullable(),
  toNetValueUsd: z.number().nullable(),
  why: z
    .string()
    .describe('new issue; or input edited and/or settings changed; or other issues moved'),
});
export type Mover = z.infer<typeof Mover>;

export const ReviewSchema = z.object({
  at: z.string().describe('when the review was computed'),
  since: z.string().describe('the start of the period reviewed'),
  baselineAt: z
    .string()
    .nullable()
    .describe(
      'the snapshot compared with: the newest at or before `since`, else the oldest after it; null when none exists yet',
    ),
  top: z.number().int(),
  trackerId: z.string().nullable().describe('the tracker reviewed; null: every tracker'),
  overall: Shares.describe('the unified top N (of the tracker, when one is asked for)'),
  trackers: z.array(Shares.extend({ trackerId: z.string() })).describe("each tracker's top N"),
  movers: z.array(Mover).describe('biggest rank and net value changes in or into the top N'),
  entered: z.array(
    z.object({
      trackerId: z.string(),
      key: z.string(),
      title: z.string(),
      rank: z.number().int(),
    }),
  ),
  left: z.array(z.object({ trackerId: z.string(), key: z.string() })),
  needsInput: z
    .array(
      z.object({
        trackerId: z.string(),
        key: z.string(),
        title: z.string(),
        status: Status,
        reason: z.string().describe('what is missing or unreadable'),
      }),
    )
    .describe('issues that need input now and did not at the baseline'),
  deferredTechnical: z
    .array(
      z.object({
        trackerId: z.string(),
        key: z.string(),
        title: z.string(),
        url: z.string(),
        rank: z.number().int(),
        netValueUsd: z.number().nullable(),
        inTopSince: z.string().describe('since when it has been in the top N without a break'),
        waitedDays: z.number().int(),
      }),
    )
    .describe('technical issues of the top N, longest in it first'),
});
export type Review = z.infer<typeof ReviewSchema>;

export const TrendPoint = z.object({
  at: z.string(),
  technical: ShareFigures,
  product: ShareFigures,
  unclassified: ShareFigures,
});
export type TrendPoint = z.infer<typeof TrendPoint>;

export const TrendSchema = z.object({
  top: z.number().int(),
  trackerId: z.string().nullable(),
  points: z.array(TrendPoint).describe('one per daily snapshot, then now; oldest first'),
});
export type Trend = z.infer<typeof TrendSchema>;
