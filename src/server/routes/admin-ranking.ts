/**
 * Reading the stored state: `GET /admin/ranking` (the unified ranking, same items as
 * `netvalue ranking --json`), `GET /admin/issues/:trackerId/:key` (one issue, explained, with its
 * audit trail and score history) and `GET /admin/audit` (the latest writes).
 */
import { z } from 'zod';
import { rankingItem, workTypeOf } from '../../pipeline/ranking-view.js';
import type { IssueRecord } from '../../store/issue-record.js';
import { AppError, ErrorBody } from '../errors.js';
import { BEARER } from '../openapi.js';
import {
  AuditEntrySchema,
  IssueDetail,
  RankingItemSchema,
  ScoreStatus,
  trackerIdOf,
} from '../schemas.js';
import { queryInt, type ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';

const MAX_PAGE = 1_000;

export const adminRankingRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx }, done) => {
  const trackerIds = ctx.config.trackers.map((t) => t.id);

  const RankingQuery = z
    .object({
      trackerId: trackerIdOf(trackerIds).optional(),
      status: ScoreStatus.optional(),
      offset: queryInt(0, Number.MAX_SAFE_INTEGER, 0),
      limit: queryInt(1, MAX_PAGE, 50),
    })
    .strict();

  app.get(
    '/admin/ranking',
    {
      schema: {
        tags: ['admin'],
        summary: 'The unified ranking (rank 1 first), optionally filtered by tracker and status',
        description:
          'Ranks are positions in the unified ranking across all trackers, also when filtered.',
        security: BEARER,
        querystring: RankingQuery,
        response: {
          200: z.object({
            items: z.array(RankingItemSchema),
            total: z.number().int().describe('items matching the filters'),
            offset: z.number().int(),
            limit: z.number().int(),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => {
      const { trackerId, status, offset, limit } = request.query;
      if (trackerId === undefined && status === undefined) {
        // No filter: one page straight from the sorted set, O(limit).
        const [page, total] = await Promise.all([
          ctx.store.rankingPage(offset, limit),
          ctx.store.rankingSize(),
        ]);
        return { items: page.map((r) => rankingItem(r.rank, r.record)), total, offset, limit };
      }
      const matching = (await ctx.store.rankingAll()).filter(
        ({ record }) =>
          (trackerId === undefined || record.trackerId === trackerId) &&
          (status === undefined || record.result.status === status),
      );
      return {
        items: matching.slice(offset, offset + limit).map((r) => rankingItem(r.rank, r.record)),
        total: matching.length,
        offset,
        limit,
      };
    },
  );

  app.get(
    '/admin/issues/:trackerId/:key',
    {
      schema: {
        tags: ['admin'],
        summary:
          'One issue: inputs, result with its explanation and risk figures, values, rank, audit trail and score history',
        security: BEARER,
        params: z.object({ trackerId: z.string().min(1), key: z.string().min(1) }),
        response: { 200: IssueDetail, 404: ErrorBody },
      },
    },
    async (request) => {
      const { trackerId } = request.params;
      const record = await storedIssue(ctx, request.params);
      const [[rank], audit, history] = await Promise.all([
        ctx.store.positions([record.member]),
        ctx.audit.forIssue(trackerId, record.id),
        ctx.history.forIssue(trackerId, record.id),
      ]);
      return { ...detail(record), rank: rank ?? null, audit, history };
    },
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'The latest writes to the trackers, newest first',
        security: BEARER,
        querystring: z
          .object({
            trackerId: trackerIdOf(trackerIds).optional(),
            limit: queryInt(1, MAX_PAGE, 100),
          })
          .strict(),
        response: { 200: z.object({ entries: z.array(AuditEntrySchema) }), 400: ErrorBody },
      },
    },
    async (request) => {
      const { trackerId, limit } = request.query;
      const entries = await ctx.audit.recent(limit, trackerId === undefined ? {} : { trackerId });
      return { entries };
    },
  );
  done();
};

/** The record as shown to people: the ranking member is internal, the tracker rank renamed. */
function detail(record: IssueRecord) {
  return {
    trackerId: record.trackerId,
    id: record.id,
    key: record.key,
    title: record.title,
    url: record.url,
    updatedAt: record.updatedAt,
    pinned: record.pinned,
    inputs: record.inputs,
    result: record.result,
    current: record.current,
    desired: record.desired,
    trackerRank: record.rank,
    scoredWith: record.scoredWith,
    lastWrittenAt: record.lastWrittenAt,
    workType: workTypeOf(record),
  };
}

/** The stored issue `key` of `trackerId`, or a 404 naming what is wrong (issue routes). */
export async function storedIssue(
  ctx: AdminRoutesOptions['ctx'],
  { trackerId, key }: { trackerId: string; key: string },
): Promise<IssueRecord> {
  const trackerIds = ctx.config.trackers.map((t) => t.id);
  if (!trackerIds.includes(trackerId)) {
    throw new AppError(
      'unknown_tracker',
      404,
      `no tracker '${trackerId}' is configured; configured: ${trackerIds.join(', ')}`,
    );
  }
  const record = await ctx.store.getByKey(trackerId, key);
  if (!record) {
    throw new AppError(
      'issue_not_found',
      404,
      `no issue ${key} is stored for ${trackerId}: it is outside the tracker's scope, or not synced yet (POST /admin/sync)`,
    );
  }
  return record;
}
