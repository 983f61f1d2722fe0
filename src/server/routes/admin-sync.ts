/**
 * Changing things, or seeing what a change would do: `POST /admin/sync` queues a sync run per
 * tracker; `POST /admin/preview` re-scores the stored issues with other scoring settings in memory
 * and lists what would move (nothing is written: see preview.ts).
 */
import type { Socket } from 'node:net';
import { z } from 'zod';
import { connectorFor } from '../../pipeline/context.js';
import { enqueueSync } from '../../pipeline/runs.js';
import { ConfigSchema } from '../../config/schema.js';
import { ErrorBody } from '../errors.js';
import { BEARER } from '../openapi.js';
import { mergeSettings } from '../preview.js';
import { previewStored } from '../preview-stored.js';
import { PreviewPositionSchema, trackerIdOf } from '../schemas.js';
import { validationError, type ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';

// The config's own field schemas, so a preview accepts exactly what the config file would.
const Scoring = ConfigSchema.shape.scoring.unwrap();
const Thresholds = Scoring.shape.priorityThresholdsUsd.unwrap();

const PreviewBody = z
  .object({
    horizonMonths: Scoring.shape.horizonMonths.unwrap().optional(),
    hourlyRateUsd: Scoring.shape.hourlyRateUsd.unwrap().optional(),
    hoursPerPoint: Scoring.shape.hoursPerPoint.unwrap().optional(),
    missingInput: Scoring.shape.missingInput.unwrap().optional(),
    priorityThresholdsUsd: z
      .object({
        high: Thresholds.shape.high.unwrap().optional(),
        medium: Thresholds.shape.medium.unwrap().optional(),
      })
      .strict()
      .optional(),
    rankBy: Scoring.shape.rankBy.unwrap().optional(),
    order: Scoring.shape.order.unwrap().optional(),
    metrics: z
      .record(
        z.string(),
        z
          .object({
            name: z.string().min(1).optional(),
            baselineUsdPerMonth: z.number().nonnegative().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('metric baselines to try by id (`{ signups: { baselineUsdPerMonth: 120000 } }`)'),
  })
  .strict()
  .describe('scoring settings to try; omitted ones keep their current value');

const SettingsSchema = z.object({
  horizonMonths: z.number(),
  hourlyRateUsd: z.number(),
  hoursPerPoint: z.number(),
  missingInput: z.enum(['unscored', 'zero']),
  priorityThresholdsUsd: z.object({ high: z.number(), medium: z.number() }),
  rankBy: z.enum(['expected', 'p10']),
  order: z.enum(['netValue', 'cd3']),
  metrics: z.record(z.string(), z.object({ name: z.string(), baselineUsdPerMonth: z.number() })),
});

const PreviewWritesSchema = z.object({
  trackerId: z.string(),
  issues: z.number().int().describe('issues whose written values would change (one write each)'),
  moved: z.number().int().describe("issues the tracker's own order would move"),
  orderCalls: z.number().int().describe('order calls besides the writes (Jira rank calls)'),
});

const PreviewOverrideSchema = z.object({
  trackerId: z.string(),
  setting: z.literal('hoursPerPoint').describe('the global setting the tracker overrides'),
  issues: z.number().int().describe('issues of the tracker the override applies to'),
  values: z.array(z.number()).describe("the tracker's own values in force"),
  message: z.string(),
});

/**
 * Changes a preview lists by default, and at most: a rate change moves every issue, and a list of
 * every one would cost the server memory by the issue (README "Performance"); the count is whole.
 */
const DEFAULT_PREVIEW_LIMIT = 1000;
const MAX_PREVIEW_LIMIT = 10_000;

/** How long a preview's connection may stay silent while the preview is computed. */
const PREVIEW_SILENCE_MS = 15 * 60_000;

/** Sets how long the connection may stay silent (a socket; an injected request has a stand-in). */
function allowSilence(socket: Partial<Pick<Socket, 'setTimeout'>>, ms: number): void {
  if (typeof socket.setTimeout === 'function') socket.setTimeout(ms);
}

export const adminSyncRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx, jobs }, done) => {
  const trackerIds = ctx.config.trackers.map((t) => t.id);

  app.post(
    '/admin/sync',
    {
      schema: {
        tags: ['admin'],
        summary: 'Queue a sync of one tracker (or all); the first sync of a tracker is full',
        security: BEARER,
        body: z
          .object({
            trackerId: trackerIdOf(trackerIds).optional(),
            full: z.boolean().default(false),
          })
          .strict()
          .default({ full: false }),
        response: {
          202: z.object({
            jobs: z.array(
              z.object({
                trackerId: z.string(),
                runId: z.string().describe('follow it in GET /admin/status'),
                jobId: z.string().describe('the sync-start job on the tracker queue'),
              }),
            ),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { trackerId, full } = request.body;
      const jobs = [];
      for (const id of trackerId === undefined ? trackerIds : [trackerId]) {
        const runId = await enqueueSync(ctx, { trackerId: id, full, dryRun: false });
        jobs.push({ trackerId: id, runId, jobId: `${runId}-start` });
      }
      request.log.info({ jobs, full }, 'sync queued (admin)');
      return reply.code(202).send({ jobs });
    },
  );

  app.post(
    '/admin/preview',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Preview a change of the scoring settings: what would move and the writes it would cost, without writing',
        security: BEARER,
        body: PreviewBody,
        querystring: z
          .object({
            limit: z.coerce
              .number()
              .int()
              .min(0)
              .max(MAX_PREVIEW_LIMIT)
              .default(DEFAULT_PREVIEW_LIMIT)
              .describe(`changes listed, from the new rank 1 (default ${DEFAULT_PREVIEW_LIMIT})`),
          })
          .strict(),
        response: {
          200: z.object({
            settings: SettingsSchema.describe('the settings the preview used'),
            changed: z.array(
              z.object({
                trackerId: z.string(),
                key: z.string(),
                title: z.string(),
                from: PreviewPositionSchema,
                to: PreviewPositionSchema,
              }),
            ),
            changedCount: z
              .number()
              .int()
              .describe('issues that would change; `changed` lists the first `limit` of them'),
            unchangedCount: z.number().int(),
            writes: z
              .array(PreviewWritesSchema)
              .describe('per tracker, what applying the change would cost in tracker writes'),
            overrides: z
              .array(PreviewOverrideSchema)
              .describe('trackers whose own settings keep a global one from applying'),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => {
      const merged = mergeSettings(ctx.settings, request.body);
      // Cross-field rules (high >= medium) are checked on the merged settings, as at start-up.
      const checked = Scoring.safeParse(merged);
      if (!checked.success) throw validationError('body', checked.error);
      // The state is read window by window, never every record at once (preview-stored.ts),
      // in the job thread when serve has one: the HTTP thread keeps answering webhooks.
      const { limit } = request.query;
      // It reads and re-scores every issue (about a minute at 1,000,000), longer than a connection
      // may otherwise stay silent (server.connectionTimeoutMs): the client would see it closed.
      const idleMs = ctx.config.server.connectionTimeoutMs;
      allowSilence(request.raw.socket, Math.max(idleMs, PREVIEW_SILENCE_MS));
      try {
        const preview =
          (await jobs?.preview?.(merged, limit)) ??
          (await previewStored(ctx, merged, (id) => connectorFor(ctx, id), ctx.settings, {
            limit,
          }));
        return { ...preview, settings: merged };
      } finally {
        allowSilence(request.raw.socket, idleMs);
      }
    },
  );
  done();
};
