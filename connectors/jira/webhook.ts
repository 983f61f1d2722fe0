/**
 * Jira admin webhooks: `X-Hub-Signature: sha256=<hex HMAC of the raw body>` when the webhook has
 * a secret. Only issue events are accepted; anything else is answered 400 so a webhook
 * subscribed to more than it should shows up in Jira's delivery log (Jira does not retry a 400).
 *
 * Events carry no snapshot (`issue: null`): whether the issue still matches the configured JQL
 * cannot be told from the payload (an issue moved to Done, to another project...), so the score
 * job re-reads it through the scoped fetch, one search per webhook, which answers null for an issue
 * out of scope. That read is also the newest state, whatever order Jira delivered events in.
 * (Evaluating the JQL on the payload would need a JQL engine and every field the JQL names.)
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { WebhookEvent, WebhookParseResult } from '../../src/domain/index.js';
import { verifyHmacSha256Hex } from '../signature.js';
import type { IssueMapping } from './to-issue.js';

export const ISSUE_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted'];

export interface WebhookContext {
  trackerId: string;
  secret: string | undefined;
  /** Not read: events carry no snapshot (see above). Kept for the connector that passes it. */
  mapping: IssueMapping;
  /** Ids and names of the fields netvalue writes: a change of only these is our own echo. */
  echoFields: ReadonlySet<string>;
}

const EventName = z.looseObject({ webhookEvent: z.string() });

// Loose: Jira's payload carries much more than we read, and adds keys over time.
const JiraWebhook = z.looseObject({
  timestamp: z.number(),
  webhookEvent: z.string(),
  user: z.looseObject({ accountId: z.string().optional() }).nullish(),
  issue: z.looseObject({
    id: z.string(),
    key: z.string(),
    fields: z.record(z.string(), z.unknown()).optional(),
  }),
  changelog: z
    .looseObject({
      items: z
        .array(z.looseObject({ field: z.string().optional(), fieldId: z.string().optional() }))
        .default([]),
    })
    .nullish(),
});

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function reject(status: 400 | 401, code: string, message: string): WebhookParseResult {
  return { ok: false, status, code, message };
}

function verify(ctx: WebhookContext, headers: IncomingHttpHeaders, rawBody: Buffer): string | null {
  if (ctx.secret === undefined) {
    return `Jira tracker "${ctx.trackerId}" has no webhookSecret: set webhookSecret in its config and the same secret on the Jira webhook (Settings > System > WebHooks > Secret)`;
  }
  const header = single(headers['x-hub-signature']);
  if (header === undefined)
    return 'missing X-Hub-Signature header (is the secret set on the Jira webhook?)';
  const match = /^sha256=([0-9a-f]+)$/i.exec(header.trim());
  if (!match) return 'X-Hub-Signature must look like sha256=<hex>';
  if (!verifyHmacSha256Hex(ctx.secret, rawBody, match[1] as string)) {
    return 'X-Hub-Signature does not match the body (wrong secret, or the body was altered)';
  }
  return null;
}

function parseJson(rawBody: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(rawBody.toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, message: `body is not JSON: ${(err as Error).message}` };
  }
}

export function parseJiraWebhook(
  ctx: WebhookContext,
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
): WebhookParseResult {
  const badSignature = verify(ctx, headers, rawBody);
  if (badSignature !== null) return reject(401, 'bad_signature', badSignature);
  const json = parseJson(rawBody);
  if (!json.ok) return reject(400, 'invalid_body', json.message);
  const name = EventName.safeParse(json.value);
  if (!name.success) return reject(400, 'invalid_body', 'webhookEvent is missing');
  if (!ISSUE_EVENTS.includes(name.data.webhookEvent)) {
    return {
      ok: false,
      status: 200,
      code: 'unsupported_event',
      message: `webhookEvent "${name.data.webhookEvent}" is not handled; subscribe the Jira webhook to ${ISSUE_EVENTS.join(', ')} only`,
    };
  }
  const payload = JiraWebhook.safeParse(json.value);
  if (!payload.success) return reject(400, 'invalid_body', z.prettifyError(payload.error));
  const body = payload.data;
  const changedFields = (body.changelog?.items ?? []).map((i) => i.fieldId ?? i.field ?? '');
  const remove = body.webhookEvent === 'jira:issue_deleted';
  const event: WebhookEvent = {
    trackerId: ctx.trackerId,
    // Same on Jira's retries; without it, a hash of the body still de-duplicates retries.
    deliveryId:
      single(headers['x-atlassian-webhook-identifier']) ??
      `sha256:${createHash('sha256').update(rawBody).digest('hex')}`,
    action: remove ? 'remove' : 'upsert',
    issueId: body.issue.id,
    key: body.issue.key,
    changedFields,
    actorId: body.user?.accountId ?? null,
    echoOnly: changedFields.length > 0 && changedFields.every((f) => ctx.echoFields.has(f)),
    // The scope cannot be read from the payload: the score job re-reads the issue (see above).
    issue: null,
    sentAtMs: body.timestamp,
  };
  return { ok: true, event };
}
