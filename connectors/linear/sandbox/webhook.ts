/**
 * Builds a Linear webhook delivery for an issue's current state, signed like Linear signs it:
 * body = `EntityWebhookPayload` with `data` = `IssueWebhookPayload` (field names from Linear's
 * webhook schema), `Linear-Signature` = hex HMAC-SHA256 of the exact body bytes.
 */
import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '../../signature.js';
import { PRIORITY_LABELS, type SbIssue, type Workspace } from './data.js';

export interface WebhookOptions {
  secret: string;
  action?: 'create' | 'update' | 'remove';
  /** Previous values of the changed fields, e.g. `{ prioritySortOrder: 12.5 }`. */
  updatedFrom?: Record<string, unknown>;
  /** Who made the change; defaults to the API key's user (the viewer). Null: no actor. */
  actorId?: string | null;
  deliveryId?: string;
  timestampMs?: number;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

export const SANDBOX_ORGANIZATION_ID = '8f1c3b9e-2d47-4a8e-9b1f-6c0d5e4a3b21';
export const SANDBOX_WEBHOOK_ID = 'c2a4e6f8-1b3d-4f5a-8c7e-9d0b1a2c3e4f';

function issuePayload(ws: Workspace, issue: SbIssue): Record<string, unknown> {
  const team = ws.team(issue.teamId);
  const state = ws.state(issue.stateId);
  const labels = issue.labelIds.map((id) => ws.label(id)).filter((l) => l !== undefined);
  return {
    id: issue.id,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    number: issue.number,
    title: issue.title,
    description: issue.description,
    priority: issue.priority,
    priorityLabel: PRIORITY_LABELS[issue.priority] ?? 'No priority',
    estimate: issue.estimate,
    sortOrder: issue.sortOrder,
    prioritySortOrder: issue.prioritySortOrder,
    subIssueSortOrder: null,
    identifier: ws.identifier(issue),
    previousIdentifiers: issue.previousIdentifiers,
    url: ws.url(issue),
    teamId: team.id,
    team: { id: team.id, key: team.key, name: team.name },
    stateId: state.id,
    state: { id: state.id, name: state.name, type: state.type, color: state.color },
    labelIds: issue.labelIds,
    labels: labels.map((l) => ({ id: l.id, name: l.name, color: l.color, parentId: l.parentId })),
    subscriberIds: [],
    reactionData: {},
  };
}

export function buildWebhook(
  ws: Workspace,
  issue: SbIssue,
  options: WebhookOptions,
): SignedWebhook {
  const timestampMs = options.timestampMs ?? Date.now();
  const actorId = options.actorId === undefined ? ws.viewer.id : options.actorId;
  const payload: Record<string, unknown> = {
    action: options.action ?? 'update',
    type: 'Issue',
    createdAt: new Date(timestampMs).toISOString(),
    data: issuePayload(ws, issue),
    url: ws.url(issue),
    organizationId: SANDBOX_ORGANIZATION_ID,
    webhookId: SANDBOX_WEBHOOK_ID,
    webhookTimestamp: timestampMs,
  };
  if (actorId !== null)
    payload['actor'] = {
      id: actorId,
      type: 'user',
      name: actorId === ws.viewer.id ? ws.viewer.name : 'A person',
    };
  if (options.updatedFrom) payload['updatedFrom'] = options.updatedFrom;
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'linear-delivery': options.deliveryId ?? randomUUID(),
      'linear-event': 'Issue',
      'linear-signature': hmacSha256Hex(options.secret, body),
      'user-agent': 'Linear-Webhook',
    },
  };
}
