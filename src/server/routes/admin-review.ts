/**
 * Backlog reviews (README "Backlog reviews"): `GET /admin/review` (the same figures as
 * `netvalue review --json`), `GET /admin/review/trend` (the technical / product share of the top N
 * over time, for a chart) and `POST /admin/review/send` (the digest, now).
 */
import { z } from 'zod';
import { DEFAULT_REVIEW_TOP, MAX_REVIEW_TOP } from '../../review/config.js';
import { DeliveryError } from '../../review/deliver.js';
import { loadReview, loadTrend, type ReviewRequest } from '../../review/load.js';
import { ReviewSchema, TrendSchema } from '../../review/schema.js';
import { DigestNotConfigured, sendDigest } from '../../review/send.js';
import { parseSince, SINCE_FORMAT } from '../../review/since.js';
import { AppError, ErrorBody } from '../errors.js';
import { BEARER } from '../openapi.js';
import { trackerIdOf } from '../schemas.js';
import { queryInt, type ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';

/** A `since` query field: checked here, so a bad one is a 400 naming `since`. */
const since = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .superRefine((text, ctx) => {
      const parsed = parseSince(text, Date.now());
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .describe(SINCE_FORMAT);

export const adminReviewRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx }, done) => {
  const trackerIds = ctx.config.trackers.map((t) => t.id);
  const query = (fallbackSince: string) =>
    z
      .object({
        since: since(fallbackSince),
        top: queryInt(1, MAX_REVIEW_TOP, DEFAULT_REVIEW_TOP),
        trackerId: trackerIdOf(trackerIds).optional().describe('one tracker; omitted: all'),
      })
      .strict();
  const request = (q: { since: string; top: number; trackerId?: string | undefined }) => {
    const nowMs = Date.now();
    const parsed = parseSince(q.since, nowMs);
    // Validated by the schema a moment ago; a `since` that crossed 92 days meanwhile is clamped.
    const sinceMs = parsed.ok ? parsed.ms : nowMs;
    const r: ReviewRequest = { sinceMs, nowMs, top: q.top, trackerId: q.trackerId ?? null };
    return r;
  };

  app.get(
    '/admin/review',
    {
      schema: {
        tags: ['admin'],
        summary:
          'The backlog review: technical / product share of the top N, movers, scope changes, new needs for input, deferred technical work',
        security: BEARER,
        querystring: query('7d'),
        response: { 200: ReviewSchema, 400: ErrorBody },
      },
    },
    async (req) => loadReview(ctx, request(req.query)),
  );

  app.get(
    '/admin/review/trend',
    {
      schema: {
        tags: ['admin'],
        summary: 'The technical / product share of the top N over time (daily snapshots, then now)',
        security: BEARER,
        querystring: query('90d'),
        response: { 200: TrendSchema, 400: ErrorBody },
      },
    },
    async (req) => loadTrend(ctx, request(req.query)),
  );

  app.post(
    '/admin/review/send',
    {
      schema: {
        tags: ['admin'],
        summary: 'Send the review digest to reviews.webhookUrl now (retried with backoff)',
        security: BEARER,
        response: {
          200: z.object({ delivered: z.literal(true), attempts: z.number().int(), at: z.string() }),
          409: ErrorBody,
          502: ErrorBody,
        },
      },
    },
    async () => {
      try {
        const { attempts, review } = await sendDigest(ctx, Date.now());
        return { delivered: true as const, attempts, at: review.at };
      } catch (err) {
        if (err instanceof DigestNotConfigured) {
          throw new AppError('review_not_configured', 409, err.message);
        }
        if (err instanceof DeliveryError) {
          throw new AppError(
            'delivery_failed',
            502,
            `the digest was not delivered: ${err.message}`,
          );
        }
        throw err;
      }
    },
  );
  done();
};
