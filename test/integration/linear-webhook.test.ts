import { afterEach, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../connectors/signature.js';
import type { WebhookEvent, WebhookParseResult } from '../../src/domain/index.js';
import { startHarness, type Harness } from './linear-harness.js';

const SECRET = 'lin_wh_sandbox_secret_0123456789abcdef';

let h: Harness | null = null;
afterEach(async () => {
  await h?.sandbox.close();
  h = null;
});

async function harness(writeBack?: {
  prioritySortOrder: boolean;
  priority: boolean;
  attachment: boolean;
}): Promise<Harness> {
  h = await startHarness(
    { issues: 40, includeExamples: true },
    { webhookSecret: SECRET, ...(writeBack ? { writeBack } : {}) },
  );
  return h;
}

function event(result: WebhookParseResult): WebhookEvent {
  if (!result.ok)
    throw new Error(`expected an event, got ${result.status} ${result.code}: ${result.message}`);
  return result.event;
}

function signed(body: string, secret = SECRET): Record<string, string> {
  return {
    'content-type': 'application/json',
    'linear-delivery': 'd-1',
    'linear-signature': hmacSha256Hex(secret, body),
  };
}

describe('Linear webhooks', () => {
  it('accepts a signed delivery and maps the issue it carries', async () => {
    const { sandbox, connector } = await harness();
    sandbox.editIssue('ENG-1', { valueLabel: '$8k' });
    const delivery = sandbox.webhook('ENG-1', {
      secret: SECRET,
      updatedFrom: { labelIds: [] },
      actorId: 'someone-else',
      deliveryId: 'delivery-42',
    });
    const now = Date.now();

    const parsed = event(connector.parseWebhook(delivery.headers, Buffer.from(delivery.body), now));

    expect(parsed).toMatchObject({
      trackerId: 'sandbox-linear',
      deliveryId: 'delivery-42',
      action: 'upsert',
      key: 'ENG-1',
      changedFields: ['labelIds'],
      actorId: 'someone-else',
      echoOnly: false,
    });
    expect(parsed.sentAtMs).toBeLessThanOrEqual(now);
    // The payload carries the labels: the issue arrives mapped, no extra read.
    expect(parsed.issue?.inputs).toMatchObject({
      value: 8000,
      cost: 5,
      valueSource: 'label Value/$8k',
    });
    expect(parsed.issue?.current).toEqual({
      priority: sandbox.issue('ENG-1').priority,
      sortKey: sandbox.issue('ENG-1').prioritySortOrder,
    });
  });

  it('rejects a wrong secret, an altered body, a missing signature and a timestamp 5 minutes old', async () => {
    const { sandbox, connector } = await harness();
    const now = Date.now();
    const wrong = sandbox.webhook('ENG-1', { secret: 'not-the-secret' });
    expect(connector.parseWebhook(wrong.headers, Buffer.from(wrong.body), now)).toMatchObject({
      ok: false,
      status: 401,
      code: 'bad_signature',
    });

    const good = sandbox.webhook('ENG-1', { secret: SECRET });
    const altered = good.body.replace('"priority":', '"priority":1,"x":');
    expect(connector.parseWebhook(good.headers, Buffer.from(altered), now)).toMatchObject({
      ok: false,
      status: 401,
      code: 'bad_signature',
    });

    const unsigned = { ...good.headers };
    delete unsigned['linear-signature'];
    expect(connector.parseWebhook(unsigned, Buffer.from(good.body), now)).toMatchObject({
      ok: false,
      status: 401,
      code: 'missing_signature',
    });

    const stale = sandbox.webhook('ENG-1', { secret: SECRET, timestampMs: now - 5 * 60_000 });
    const result = connector.parseWebhook(stale.headers, Buffer.from(stale.body), now);
    expect(result).toMatchObject({ ok: false, status: 401, code: 'stale_timestamp' });
    expect(event(connector.parseWebhook(good.headers, Buffer.from(good.body), now)).key).toBe(
      'ENG-1',
    );
  });

  it('refuses every delivery when no webhookSecret is configured, saying how to set it', async () => {
    h = await startHarness({ issues: 5, includeExamples: true });
    const delivery = h.sandbox.webhook('ENG-1', { secret: SECRET });
    const result = h.connector.parseWebhook(
      delivery.headers,
      Buffer.from(delivery.body),
      Date.now(),
    );
    expect(result).toMatchObject({ ok: false, status: 401, code: 'webhook_secret_missing' });
    expect(!result.ok && result.message).toContain('webhookSecret');
  });

  it('answers 400 for a malformed body or an event type it does not handle', async () => {
    const { connector } = await harness();
    const now = Date.now();
    const notJson = '{"action":';
    expect(connector.parseWebhook(signed(notJson), Buffer.from(notJson), now)).toMatchObject({
      ok: false,
      status: 400,
      code: 'invalid_body',
    });
    const noData = JSON.stringify({
      action: 'update',
      type: 'Issue',
      webhookTimestamp: now,
      data: { id: 'x' },
    });
    const bad = connector.parseWebhook(signed(noData), Buffer.from(noData), now);
    expect(bad).toMatchObject({ ok: false, status: 400, code: 'invalid_body' });
    expect(!bad.ok && bad.message).toContain('data.identifier');
    const comment = JSON.stringify({
      action: 'create',
      type: 'Comment',
      webhookTimestamp: now,
      data: { id: 'c1', body: 'hi' },
    });
    expect(connector.parseWebhook(signed(comment), Buffer.from(comment), now)).toMatchObject({
      ok: false,
      status: 200,
      code: 'unsupported_type',
    });
  });

  it('recognises the echo of our own write, and not a person changing the same field', async () => {
    const { sandbox, connector } = await harness();
    const ours = sandbox.webhook('ENG-2', {
      secret: SECRET,
      updatedFrom: { prioritySortOrder: 10, updatedAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(
      event(connector.parseWebhook(ours.headers, Buffer.from(ours.body), Date.now())).echoOnly,
    ).toBe(true);

    const person = sandbox.webhook('ENG-2', {
      secret: SECRET,
      actorId: 'a-person',
      updatedFrom: { prioritySortOrder: 10 },
    });
    expect(
      event(connector.parseWebhook(person.headers, Buffer.from(person.body), Date.now())).echoOnly,
    ).toBe(false);

    const input = sandbox.webhook('ENG-2', {
      secret: SECRET,
      updatedFrom: { prioritySortOrder: 10, estimate: 3 },
    });
    expect(
      event(connector.parseWebhook(input.headers, Buffer.from(input.body), Date.now())).echoOnly,
    ).toBe(false);

    // priority is ours only when config lets netvalue write it.
    const priority = sandbox.webhook('ENG-2', { secret: SECRET, updatedFrom: { priority: 3 } });
    expect(
      event(connector.parseWebhook(priority.headers, Buffer.from(priority.body), Date.now()))
        .echoOnly,
    ).toBe(false);
  });

  it('reports issues out of scope (other team, closed) and deletions as remove', async () => {
    const { sandbox, connector } = await harness();
    const des = sandbox.issues().find((i) => i.teamKey === 'DES')!;
    const other = sandbox.webhook(des.identifier, { secret: SECRET, action: 'create' });
    expect(
      event(connector.parseWebhook(other.headers, Buffer.from(other.body), Date.now())),
    ).toMatchObject({ action: 'remove', issue: null });

    sandbox.editIssue('ENG-1', { stateType: 'completed' });
    const done = sandbox.webhook('ENG-1', { secret: SECRET, updatedFrom: { stateId: 'x' } });
    expect(
      event(connector.parseWebhook(done.headers, Buffer.from(done.body), Date.now())),
    ).toMatchObject({ action: 'remove', key: 'ENG-1' });

    const removed = sandbox.webhook('ENG-2', { secret: SECRET, action: 'remove' });
    expect(
      event(connector.parseWebhook(removed.headers, Buffer.from(removed.body), Date.now())),
    ).toMatchObject({ action: 'remove', key: 'ENG-2', issue: null });
  });

  it('leaves the issue to a fresh read when attachments are written (payloads carry none)', async () => {
    const { sandbox, connector } = await harness({
      prioritySortOrder: true,
      priority: true,
      attachment: true,
    });
    const delivery = sandbox.webhook('ENG-1', { secret: SECRET, updatedFrom: { priority: 2 } });
    const parsed = event(
      connector.parseWebhook(delivery.headers, Buffer.from(delivery.body), Date.now()),
    );
    expect(parsed).toMatchObject({ action: 'upsert', issue: null, echoOnly: true });
  });
});
