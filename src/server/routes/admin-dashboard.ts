/**
 * Read-only views the dashboard draws: `GET /admin/matrix` (the value/cost matrix of every scored
 * issue, with the ends of its three-point ranges) and `GET /admin/issues/:trackerId/:key/trail`
 * (an issue's score history and writes in words, and its net value and rank series).
 */
import { z } from 'zod';
import { matrixPoint, type MatrixPoint } from '../dashboard/matrix-points.js';
import { issueSeries, issueTrail, neighbourIds } from '../dashboard/issue-trail.js';
import { ErrorBody } from '../errors.js';
import { BEARER } from '../openapi.js';
import type { ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';
import { storedIssue } from './admin-ranking.js';

const usdOrNull = z.number().nullable();

const MatrixPointSchema = z.object({
  rank: z.number().int().describe('position in the unified ranking (1 first)'),
  trackerId: z.string(),
  key: z.string(),
  title: z.string(),
  valueUsd: z.number().describe('expected Value over the horizon ($)'),
  costUsd: z.number(),
  netValueUsd: z.number(),
  valueLowUsd: usdOrNull.describe('low end of a Value range over the horizon; null for a point'),
  valueHighUsd: usdOrNull.describe('high end of a Value range over the horizon; null for a point'),
  costLowUsd: usdOrNull.describe('low end of a Cost range; null for a point'),
  costHighUsd: usdOrNull.describe('high end of a Cost range; null for a point'),
}) satisfies z.ZodType<MatrixPoint>;

const TrailSchema = z.object({
  trail: z
    .array(
      z.object({
        at: z.string(),
        source: z.enum(['score', 'write']).describe('score: figures changed; write: to tracker'),
        text: z.string().describe('what happened, in words (raw rank values are never shown)'),
        why: z.string(),
      }),
    )
    .describe('newest first'),
  series: z
    .array(z.object({ at: z.string(), netValueUsd: usdOrNull, rank: z.number().int().nullable() }))
    .describe('net value and unified rank after each score change, oldest first'),
});

export const adminDashboardRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx }, done) => {
  app.get(
    '/admin/matrix',
    {
      schema: {
        tags: ['admin'],
        summary: 'Value over the horizon and Cost of every scored issue (the value/cost matrix)',
        security: BEARER,
        response: {
          200: z.object({
            horizonMonths: z.number(),
            points: z.array(MatrixPointSchema).describe('in ranking order'),
          }),
        },
      },
    },
    async () => {
      const ranked = await ctx.store.rankingAll();
      const points = ranked
        .map(({ rank, record }) => matrixPoint(rank, record, ctx.settings))
        .filter((p): p is MatrixPoint => p !== null);
      return { horizonMonths: ctx.settings.horizonMonths, points };
    },
  );

  app.get(
    '/admin/issues/:trackerId/:key/trail',
    {
      schema: {
        tags: ['admin'],
        summary: "One issue's score history and writes in words, and its net value and rank series",
        security: BEARER,
        params: z.object({ trackerId: z.string().min(1), key: z.string().min(1) }),
        response: { 200: TrailSchema, 404: ErrorBody },
      },
    },
    async (request) => {
      const { trackerId } = request.params;
      const record = await storedIssue(ctx, request.params);
      const [audit, history] = await Promise.all([
        ctx.audit.forIssue(trackerId, record.id),
        ctx.history.forIssue(trackerId, record.id),
      ]);
      const ids = neighbourIds(audit);
      const neighbours = await ctx.store.getMany(trackerId, ids);
      const keys = new Map(ids.map((id, i) => [id, neighbours[i]?.key ?? null]));
      return {
        trail: issueTrail(history, audit, (id) => keys.get(id) ?? null),
        series: issueSeries(history),
      };
    },
  );
  done();
};
