/**
 * The webhook parser on its own: a hand-built payload shaped like Linear's `EntityWebhookPayload`
 * with `IssueWebhookPayload` data (field names from Linear's webhook schema), signed in the test.
 */
import { describe, expect, it } from 'vitest';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import {
  MAX_WEBHOOK_AGE_MS,
  parseLinearWebhook,
  type WebhookContext,
} from '../../connectors/linear/webhook.js';
import { hmacSha256Hex } from '../../connectors/signature.js';

const SECRET = 'whsec_unit_test_secret_0123456789abcdef';
const NOW = Date.parse('2026-11-20T12:00:00.000Z');

const ctx: WebhookContext = {
  mapping: {
    trackerId: 'acme-linear',
    config: LinearTrackerConfig.parse({
      id: 'acme-linear',
      kind: 'linear',
      apiKey: 'k',
      teams: ['ENG'],
    }),
    valueGroupIds: new Set(['g-value']),
    costGroupIds: new Set(),
  },
  viewerId: 'user-bot',
  groupNamesById: new Map([['g-value', 'Value']]),
  teamKeysById: new Map([['team-eng', 'ENG']]),
  webhookSecret: SECRET,
};

function payload(
  overrides: Record<string, unknown> = {},
  data: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    action: 'update',
    type: 'Issue',
    createdAt: new Date(NOW).toISOString(),
    actor: { id: 'user-bot', type: 'user', name: 'netvalue' },
    organizationId: 'org-1',
    webhookId: 'wh-1',
    webhookTimestamp: NOW - 1000,
    url: 'https://linear.app/acme/issue/ENG-7',
    updatedFrom: { prioritySortOrder: 5, updatedAt: '2026-11-20T11:00:00.000Z' },
    data: {
      id: 'uuid-7',
      identifier: 'ENG-7',
      title: 'Cut p99 latency of search',
      url: 'https://linear.app/acme/issue/ENG-7',
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-11-20T11:59:59.000Z',
      estimate: 3,
      priority: 2,
      priorityLabel: 'High',
      prioritySortOrder: -5,
      sortOrder: 10,
      teamId: 'team-eng',
      team: null,
      stateId: 's1',
      state: { id: 's1', name: 'Todo', type: 'unstarted', color: '#e2e2e2' },
      labelIds: ['l1'],
      labels: [{ id: 'l1', name: '$60k/yr', color: '#000', parentId: 'g-value' }],
      ...data,
    },
    ...overrides,
  });
}

function parse(body: string, headers: Record<string, string> = {}, nowMs = NOW) {
  return parseLinearWebhook(
    ctx,
    { 'linear-signature': hmacSha256Hex(SECRET, body), ...headers },
    Buffer.from(body),
    nowMs,
  );
}

describe('parseLinearWebhook', () => {
  it('maps the issue, finding the team and label group from ids when the payload has none', () => {
    const result = parse(payload(), { 'linear-delivery': 'del-1' });
    expect(result.ok && result.event).toMatchObject({
      deliveryId: 'del-1',
      action: 'upsert',
      issueId: 'uuid-7',
      key: 'ENG-7',
      echoOnly: true,
      actorId: 'user-bot',
      changedFields: ['prioritySortOrder', 'updatedAt'],
      issue: { key: 'ENG-7', labels: ['Value/$60k/yr'], inputs: { value: 5000, cost: 3 } },
    });
  });

  it('accepts a signature in upper case hex', () => {
    const body = payload();
    const result = parseLinearWebhook(
      ctx,
      { 'linear-signature': hmacSha256Hex(SECRET, body).toUpperCase() },
      Buffer.from(body),
      NOW,
    );
    expect(result.ok).toBe(true);
  });

  it('derives a stable delivery id from the body when Linear-Delivery is missing', () => {
    const body = payload();
    const a = parse(body);
    const b = parse(body);
    expect(a.ok && a.event.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.ok && b.ok && a.event.deliveryId === b.event.deliveryId).toBe(true);
  });

  it.each([
    [MAX_WEBHOOK_AGE_MS, true],
    [MAX_WEBHOOK_AGE_MS + 1, false],
    [-MAX_WEBHOOK_AGE_MS - 1, false],
  ])('a delivery %i ms old is accepted: %s', (ageMs, accepted) => {
    expect(parse(payload({ webhookTimestamp: NOW - ageMs })).ok).toBe(accepted);
  });

  it('an update with no updatedFrom, or by a person, is not an echo', () => {
    const none = parse(payload({ updatedFrom: undefined }));
    expect(none.ok && none.event.echoOnly).toBe(false);
    const person = parse(payload({ actor: { id: 'user-ann' } }));
    expect(person.ok && person.event.echoOnly).toBe(false);
  });

  it('says which field is wrong in a malformed body', () => {
    const result = parse(payload({}, { priority: 'high' }));
    expect(result).toMatchObject({ ok: false, status: 400, code: 'invalid_body' });
    expect(!result.ok && result.message).toContain('data.priority');
  });

  it('an unknown team id is out of scope: remove', () => {
    const result = parse(payload({}, { teamId: 'team-other' }));
    expect(result.ok && result.event).toMatchObject({ action: 'remove', issue: null });
  });
});
