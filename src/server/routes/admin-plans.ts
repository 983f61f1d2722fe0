/**
 * Review before write (README "Review before write"): `GET /admin/plans` lists the pending plan of
 * every tracker in `writeMode: review`; `POST /admin/plans/:trackerId/approve` runs items through
 * the normal write path and `.../discard` drops them (all, or `{ keys }`).
 */
import { z } from 'zod';
import { approvePlan, discardPlan } from '../../pipeline/plan-approval.js';
import { listPlans, PlanError } from '../../pipeline/review-plans.js';
import { AppError, ErrorBody } from '../errors.js';
import { BEARER } from '../openapi.js';
import { PlanKeysBody, PlanViewSchema } from '../schemas.js';
import type { ZodPlugin } from '../validation.js';
import type { AdminRoutesOptions } from './admin-options.js';

/**
 * Who approved, for the audit log: the admin token has no label (one shared `adminToken`), so
 * every admin is "admin".
 */
const ADMIN = 'admin';

const TrackerParams = z.object({ trackerId: z.string().min(1) });
const ERRORS = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } as const;

/** A PlanError as the API answers it; `not_in_plan` lists each unknown key as an issue. */
function toAppError(err: unknown): unknown {
  if (!(err instanceof PlanError)) return err;
  const issues = err.keys.map((key) => ({ path: 'keys', message: `${key} is not in the plan` }));
  return new AppError(err.code, err.status, err.message, issues.length > 0 ? issues : undefined);
}

async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toAppError(err);
  }
}

export const adminPlansRoutes: ZodPlugin<AdminRoutesOptions> = (app, { ctx }, done) => {
  app.get(
    '/admin/plans',
    {
      schema: {
        tags: ['admin'],
        summary: 'The pending plans of trackers in review mode (writes waiting for approval)',
        security: BEARER,
        querystring: z.object({ trackerId: z.string().min(1).optional() }).strict(),
        response: {
          200: z.object({ plans: z.array(PlanViewSchema) }),
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) =>
      answer(async () => ({ plans: await listPlans(ctx, request.query.trackerId) })),
  );

  app.post(
    '/admin/plans/:trackerId/approve',
    {
      schema: {
        tags: ['admin'],
        summary: 'Approve pending items (all, or `keys`): they go through the normal write path',
        description:
          '404 unknown tracker, 409 not in review mode or nothing pending, 400 keys not in the plan.',
        security: BEARER,
        params: TrackerParams,
        body: PlanKeysBody,
        response: {
          200: z.object({
            approved: z.number().int().describe('items queued for writing'),
            remaining: z.number().int().describe('items still pending'),
          }),
          ...ERRORS,
        },
      },
    },
    async (request) =>
      answer(async () => {
        const result = await approvePlan(ctx, request.params.trackerId, request.body?.keys, ADMIN);
        request.log.info({ trackerId: request.params.trackerId, ...result }, 'plan approved');
        return result;
      }),
  );

  app.post(
    '/admin/plans/:trackerId/discard',
    {
      schema: {
        tags: ['admin'],
        summary: 'Discard pending items (all, or `keys`); one comes back once its target changes',
        description:
          '404 unknown tracker, 409 not in review mode or nothing pending, 400 keys not in the plan.',
        security: BEARER,
        params: TrackerParams,
        body: PlanKeysBody,
        response: {
          200: z.object({
            discarded: z.number().int().describe('items dropped'),
            remaining: z.number().int().describe('items still pending'),
          }),
          ...ERRORS,
        },
      },
    },
    async (request) =>
      answer(async () => {
        const result = await discardPlan(ctx, request.params.trackerId, request.body?.keys, ADMIN);
        request.log.info({ trackerId: request.params.trackerId, ...result }, 'plan discarded');
        return result;
      }),
  );
  done();
};
