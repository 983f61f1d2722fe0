/**
 * Verifies and parses a Linear webhook delivery. The SDK's LinearWebhookClient throws plain Errors,
 * its handler answers 400 for a bad signature, and it checks the timestamp against its own clock,
 * while our contract is 401 for signature and age, 400 for a malformed body, and `nowMs` passed in.
 * So verification is done here, on the raw bytes, as Linear documents it: `Linear-Signature` = hex
 * HMAC-SHA256 of the body with the webhook's signing secret; `webhookTimestamp` within 60 s.
 *
 * Outcomes:
 * - `Issue` create/update/remove -> an event; an issue whose team is not configured (or whose state
 *   is closed while `includeCompleted` is off) becomes `remove`: it is not, or no longer, in scope.
 * - any other `type` (Comment, IssueLabel...) -> `ignored` (answered 200, so Linear neither retries
 *   nor disables the webhook); subscribe the webhook to Issues only to save the traffic.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { WebhookEvent, WebhookParseResult } from '../../src/domain/index.js';
import { verifyHmacSha256Hex } from '../signature.js';
import { inScope, toIssue } from './to-issue.js';
import {
  Envelope,
  IssueData,
  payloadToRecord,
  RemovedData,
  type WebhookContext,
} from './webhook-payload.js';

export type { WebhookContext } from './webhook-payload.js';

/** Linear's own recommendation (and the SDK's check): reject deliveries older than a minute. */
export const MAX_WEBHOOK_AGE_MS = 60_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reject(status: 400 | 401, code: string, message: string): WebhookParseResult {
  return { ok: false, status, code, message };
}

function describe(error: z.ZodError, prefix: string): string {
  return error.issues.map((i) => `${[prefix, ...i.path].join('.')}: ${i.message}`).join('; ');
}

/** The fields netvalue writes; an update that changed only these is an echo of our own write. */
export function ownedFields(ctx: WebhookContext): Set<string> {
  const owned = new Set(['updatedAt']);
  if (ctx.mapping.config.writeBack.prioritySortOrder) owned.add('prioritySortOrder');
  if (ctx.mapping.config.writeBack.priority) {
    owned.add('priority');
    owned.add('priorityLabel'); // derived from priority
  }
  return owned;
}

function verify(
  ctx: WebhookContext,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
): WebhookParseResult | null {
  const trackerId = ctx.mapping.trackerId;
  if (ctx.webhookSecret === undefined) {
    return reject(
      401,
      'webhook_secret_missing',
      `tracker ${trackerId} has no webhookSecret: set trackers[].webhookSecret to the signing secret of the Linear webhook (Settings > API > Webhooks)`,
    );
  }
  const signature = header(headers, 'linear-signature');
  if (signature === undefined || signature === '') {
    return reject(401, 'missing_signature', 'missing Linear-Signature header');
  }
  if (!verifyHmacSha256Hex(ctx.webhookSecret, rawBody, signature)) {
    return reject(
      401,
      'bad_signature',
      `Linear-Signature does not match the body signed with the webhookSecret of tracker ${trackerId}`,
    );
  }
  return null;
}

export function parseLinearWebhook(
  ctx: WebhookContext,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
  nowMs: number,
): WebhookParseResult {
  const unverified = verify(ctx, headers, rawBody);
  if (unverified) return unverified;
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (err) {
    return reject(400, 'invalid_body', `body is not JSON: ${(err as Error).message}`);
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return reject(400, 'invalid_body', describe(envelope.error, 'body'));
  const body = envelope.data;
  const ageMs = nowMs - body.webhookTimestamp;
  if (Math.abs(ageMs) > MAX_WEBHOOK_AGE_MS) {
    return reject(
      401,
      'stale_timestamp',
      `webhookTimestamp is ${Math.round(ageMs / 1000)} s from now (limit ${MAX_WEBHOOK_AGE_MS / 1000} s): a replay, or a clock out of sync`,
    );
  }
  if (body.type !== 'Issue') {
    return {
      ok: false,
      status: 200,
      code: 'unsupported_type',
      message: `only Issue events are handled, got type '${body.type}': subscribe the Linear webhook to Issues only`,
    };
  }
  if (!['create', 'update', 'remove'].includes(body.action)) {
    return reject(
      400,
      'invalid_body',
      `body.action: expected create, update or remove, got '${body.action}'`,
    );
  }
  const deliveryId =
    header(headers, 'linear-delivery') ??
    `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  return toEvent(ctx, body, deliveryId);
}

function toEvent(
  ctx: WebhookContext,
  body: z.infer<typeof Envelope>,
  deliveryId: string,
): WebhookParseResult {
  const changedFields = Object.keys(body.updatedFrom ?? {});
  const actorId = body.actor?.id ?? null;
  const base = {
    trackerId: ctx.mapping.trackerId,
    deliveryId,
    changedFields,
    actorId,
    sentAtMs: body.webhookTimestamp,
  };
  if (body.action === 'remove') {
    const removed = RemovedData.safeParse(body.data);
    if (!removed.success) return reject(400, 'invalid_body', describe(removed.error, 'data'));
    const event: WebhookEvent = {
      ...base,
      action: 'remove',
      issueId: removed.data.id,
      key: removed.data.identifier,
      echoOnly: false,
      issue: null,
    };
    return { ok: true, event };
  }
  const data = IssueData.safeParse(body.data);
  if (!data.success) return reject(400, 'invalid_body', describe(data.error, 'data'));
  const record = payloadToRecord(data.data, ctx);
  const owned = ownedFields(ctx);
  const ours = actorId === null || ctx.viewerId === null || actorId === ctx.viewerId;
  const echoOnly =
    body.action === 'update' &&
    changedFields.length > 0 &&
    ours &&
    changedFields.every((f) => owned.has(f));
  const scoped = record !== null && inScope(record, ctx.mapping.config);
  // Payloads carry no attachments: with attachment write-back on, the issue is re-read instead.
  const complete = scoped && !ctx.mapping.config.writeBack.attachment;
  const event: WebhookEvent = {
    ...base,
    action: scoped ? 'upsert' : 'remove',
    issueId: data.data.id,
    key: data.data.identifier,
    echoOnly,
    issue: complete ? toIssue(record, ctx.mapping) : null,
  };
  return { ok: true, event };
}
