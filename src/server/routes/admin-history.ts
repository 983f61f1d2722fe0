/**
 * `GET /admin/history`: the backlog series recorded after each sync (src/store/history.ts), for
 * one tracker or the whole backlog, between two times.
 */
import { z } from 'zod';
import { ALL_TRACKERS, BacklogPointSchema } from '../../store/history.js';
import { AppError, ErrorBody } from '../errors.js';
import { BEARER } from '../openapi.js';
import { trackerIdOf } from '../schemas.js';
import type { ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';

const DAY = 86_400_000;
/** The default window: the 90 days the series is kept for at least. */
const DEFAULT_WINDOW_MS = 90 * DAY;

const isoTime = z
  .string()
  .refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time')
  .describe('ISO-8601 time');

export const adminHistoryRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx }, done) => {
  const trackerIds = ctx.config.trackers.map((t) => t.id);

  app.get(
    '/admin/history',
    {
      schema: {
        tags: ['admin'],
        summary: 'The backlog over time: after each sync, issues scored / needing input and value',
        description:
          'One point per sync (at most one per 15 minutes) per tracker, and for the whole backlog when no trackerId is given; kept for at least 90 days. Default window: the last 90 days.',
        security: BEARER,
        querystring: z
          .object({
            trackerId: trackerIdOf(trackerIds)
              .optional()
              .describe('one tracker; omitted: the whole backlog'),
            from: isoTime.optional().describe('start (inclusive); default 90 days before `to`'),
            to: isoTime.optional().describe('end (inclusive); default now'),
          })
          .strict(),
        response: {
          200: z.object({
            trackerId: z.string().describe("the tracker, or '*' for the whole backlog"),
            from: z.string(),
            to: z.string(),
            points: z.array(BacklogPointSchema).describe('oldest first'),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => {
      const { trackerId, from, to } = request.query;
      const toMs = to === undefined ? Date.now() : Date.parse(to);
      const fromMs = from === undefined ? toMs - DEFAULT_WINDOW_MS : Date.parse(from);
      if (fromMs > toMs) {
        throw new AppError('invalid_query', 400, `from (${from ?? ''}) is after to (${to ?? ''})`);
      }
      const series = trackerId ?? ALL_TRACKERS;
      const points = await ctx.history.series(series, fromMs, toMs);
      return {
        trackerId: series,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        points,
      };
    },
  );
  done();
};
