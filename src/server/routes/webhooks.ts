/**
 * `POST /webhooks/<kind>/:trackerId`, one route per connector kind in the registry. The signature
 * is checked on the raw bytes (this scope parses every body as a Buffer), a signed body older than
 * `server.webhookMaxAgeSec` is refused (a replay), deliveries are de-duplicated for a day by their
 * id and by a hash of their body, echoes of our own writes are dropped, and the rest becomes one
 * score job. The answer goes out as soon as the job is queued: trackers expect an answer within
 * seconds and retry otherwise.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { connectorModules } from '../../../connectors/registry.js';
import type { WebhookEvent } from '../../domain/index.js';
import type { ServerContext } from '../server-context.js';
import { JOB, type ScoreIssueData } from '../../queues.js';
import { ErrorBody, errorBody } from '../errors.js';
import type { ZodPlugin } from '../validation.js';

type Outcome =
  | 'queued'
  | 'duplicate'
  | 'echo'
  | 'rejected_signature'
  | 'rejected_stale'
  | 'bad_request'
  | 'unknown_tracker';

const Params = z.object({ trackerId: z.string().min(1) });
const Accepted = z.object({ status: z.enum(['queued', 'duplicate', 'echo', 'ignored']) });

export interface WebhookRoutesOptions {
  ctx: ServerContext;
}

export const webhookRoutes: ZodPlugin<WebhookRoutesOptions> = (app, { ctx }, done) => {
  // Signatures cover the exact bytes sent, so nothing here may parse (or re-serialize) the body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Time to answer, from the first byte to the last (parsing, Redis, queueing).
  app.addHook('onResponse', async (_request, reply) => {
    ctx.metrics.webhookAck.observe(reply.elapsedTime / 1000);
  });

  for (const { kind, displayName, webhookSignature } of connectorModules()) {
    app.post(
      `/webhooks/${kind}/:trackerId`,
      {
        schema: {
          tags: ['webhooks'],
          summary: `Receive a ${displayName} issue webhook`,
          description: `Signed with ${webhookSignature}. 401 on a missing or bad signature or a body older than server.webhookMaxAgeSec, 400 on a malformed body, 429 after too many failed signatures from one address; de-duplicated by delivery id and body hash; answered as soon as the work is queued.`,
          params: Params,
          response: {
            200: Accepted,
            400: ErrorBody,
            401: ErrorBody,
            404: ErrorBody,
            429: ErrorBody,
          },
        },
      },
      async (request, reply) => {
        const receivedAtMs = Date.now();
        const { trackerId } = request.params;
        const tracker = ctx.config.trackers.find((t) => t.id === trackerId && t.kind === kind);
        const connector = ctx.connectors.get(trackerId);
        if (!tracker || !connector) {
          // An unknown id is counted under one label: callers must not be able to grow the series.
          return answerError(reply, 'unknown', 'unknown_tracker', 404, {
            code: 'unknown_tracker',
            message: `no ${kind} tracker with id '${trackerId}' is configured`,
          });
        }
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const parsed = connector.parseWebhook(request.headers, rawBody, receivedAtMs);
        if (!parsed.ok) {
          if (parsed.status === 200) {
            // Genuine but of no use (e.g. a comment): answered 200 so the tracker neither retries
            // nor disables the webhook.
            ctx.metrics.webhooks.inc({ tracker: trackerId, outcome: 'ignored' });
            request.log.info({ trackerId, code: parsed.code }, parsed.message);
            return { status: 'ignored' as const };
          }
          const outcome = parsed.status === 401 ? 'rejected_signature' : 'bad_request';
          request.log.warn({ trackerId, code: parsed.code, status: parsed.status }, parsed.message);
          return answerError(reply, trackerId, outcome, parsed.status, parsed);
        }
        const ageMs = receivedAtMs - parsed.event.sentAtMs;
        const maxAgeMs = ctx.config.server.webhookMaxAgeSec * 1000;
        if (Math.abs(ageMs) > maxAgeMs) {
          // Signed but old (or dated ahead of our clock): a replay of a captured delivery, or a
          // clock out of sync. Trackers retry for well under the bound.
          const error = {
            code: 'stale_timestamp',
            message: `the body's timestamp is ${Math.round(ageMs / 1000)} s from now (limit ${ctx.config.server.webhookMaxAgeSec} s, server.webhookMaxAgeSec): a replayed delivery, or a clock out of sync`,
          };
          request.log.warn({ trackerId, code: error.code, ip: request.ip }, error.message);
          return answerError(reply, trackerId, 'rejected_stale', 401, error);
        }
        const status = await accept(ctx, parsed.event, rawBody, receivedAtMs);
        ctx.metrics.webhooks.inc({ tracker: trackerId, outcome: status });
        request.log.info(
          { trackerId, deliveryId: parsed.event.deliveryId, issueKey: parsed.event.key, status },
          'webhook accepted',
        );
        return { status };
      },
    );
  }

  function answerError(
    reply: FastifyReply,
    tracker: string,
    outcome: Outcome,
    status: 400 | 401 | 404,
    error: { code: string; message: string },
  ) {
    ctx.metrics.webhooks.inc({ tracker, outcome });
    return reply.code(status).send(errorBody(error.code, error.message));
  }
  done();
};

/** De-duplicate, drop echoes, then hand the issue to the score job. */
async function accept(
  ctx: ServerContext,
  event: WebhookEvent,
  rawBody: Buffer,
  receivedAtMs: number,
): Promise<'queued' | 'duplicate' | 'echo'> {
  const { trackerId, issueId } = event;
  // The score job reads the newest snapshot, so a de-duplicated burst loses no edit. Our own
  // write coming back (echo) needs no snapshot: scoring it again would find nothing to write.
  const snapshot =
    event.issue && !event.echoOnly
      ? { issueId, json: JSON.stringify(event.issue), updatedAt: event.issue.updatedAt }
      : null;
  // The same body under another delivery id is a replay (or a second webhook sending the same
  // event): both names are remembered, and either one seen makes it a duplicate.
  const bodyHash = `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  const deliveryIds = event.deliveryId === bodyHash ? [bodyHash] : [event.deliveryId, bodyHash];
  if (!(await ctx.meta.acceptDelivery(trackerId, deliveryIds, snapshot))) return 'duplicate';
  if (event.echoOnly) return 'echo';
  try {
    const data: ScoreIssueData = {
      trackerId,
      issueId,
      remove: event.action === 'remove',
      receivedAtMs,
    };
    await ctx.queues.score.add(JOB.scoreIssue, data, {
      // At most one job per issue waits; an edit arriving while one runs is re-queued after it.
      deduplication: { id: `score-${trackerId}-${issueId}`, keepLastIfActive: true },
    });
  } catch (err) {
    // Not queued: let the tracker's retry of this delivery through rather than drop it as a duplicate.
    await ctx.meta.forgetDelivery(trackerId, deliveryIds).catch(() => undefined);
    throw err;
  }
  return 'queued';
}
