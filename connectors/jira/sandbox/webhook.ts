/**
 * Builds the webhook Jira would send for an issue's current state: an admin webhook with a secret
 * (`X-Hub-Signature: sha256=<hex>` over the exact body bytes), payload shaped like Atlassian's docs.
 */
import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '../../signature.js';
import { renderFields, type SandboxIssue } from './data.js';
import type { SandboxState } from './state.js';

export type JiraWebhookEventName =
  'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted';

export interface WebhookOptions {
  /** Signs with this secret; no X-Hub-Signature header when omitted (a webhook without secret). */
  secret?: string;
  event?: JiraWebhookEventName;
  /** Changelog field ids; defaults to the issue's latest change. */
  changedFieldIds?: string[];
  /** Defaults to whoever made the latest change. */
  actorAccountId?: string;
  deliveryId?: string;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

const EVENT_TYPE_NAME: Record<JiraWebhookEventName, string> = {
  'jira:issue_created': 'issue_created',
  'jira:issue_updated': 'issue_generic',
  'jira:issue_deleted': 'issue_deleted',
};

function changelogItem(state: SandboxState, fieldId: string, fields: Record<string, unknown>) {
  const field = state.field(fieldId);
  const value = fields[fieldId];
  return {
    field: field?.name ?? fieldId,
    fieldtype: field?.custom ? 'custom' : 'jira',
    fieldId,
    from: null,
    fromString: null,
    to: null,
    // Jira describes a rank change in words rather than with the new LexoRank.
    toString:
      field?.name === 'Rank'
        ? 'Ranked higher'
        : typeof value === 'number' || typeof value === 'string'
          ? String(value)
          : null,
  };
}

export function buildWebhook(
  state: SandboxState,
  issue: SandboxIssue,
  o: WebhookOptions,
): SignedWebhook {
  const event = o.event ?? 'jira:issue_updated';
  const fields = renderFields(issue, state.baseUrl, state.account.timeZone);
  const actor = o.actorAccountId ?? issue.lastChange?.accountId ?? state.account.accountId;
  const changed = o.changedFieldIds ?? issue.lastChange?.fieldIds ?? [];
  const payload = {
    timestamp: state.now(),
    webhookEvent: event,
    issue_event_type_name: EVENT_TYPE_NAME[event],
    user: {
      self: `${state.baseUrl}/rest/api/2/user?accountId=${actor}`,
      accountId: actor,
      active: true,
      accountType: 'atlassian',
    },
    issue: {
      id: issue.id,
      self: `${state.baseUrl}/rest/api/2/${issue.id}`,
      key: issue.key,
      fields,
    },
    ...(event === 'jira:issue_updated'
      ? {
          changelog: {
            id: String(20000 + Math.floor(state.now() % 100000)),
            items: changed.map((id) => changelogItem(state, id, fields)),
          },
        }
      : {}),
  };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-atlassian-webhook-identifier': o.deliveryId ?? randomUUID(),
    'x-atlassian-webhook-flow': 'Primary',
  };
  if (o.secret !== undefined)
    headers['x-hub-signature'] = `sha256=${hmacSha256Hex(o.secret, body)}`;
  return { headers, body };
}
