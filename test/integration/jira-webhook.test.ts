import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { jiraModule } from '../../connectors/jira/index.js';
import { HUMAN_ACCOUNT_ID, SANDBOX_FIELDS } from '../../connectors/jira/sandbox/index.js';
import { hmacSha256Hex } from '../../connectors/signature.js';
import type { Issue, WebhookParseResult } from '../../src/domain/index.js';
import { DEPS, pullAll, startHarness, type Harness } from './jira-harness.js';
import { applyRank, writeOne } from './connector-targets.js';

function parse(
  h: Harness,
  delivery: { headers: Record<string, string>; body: string },
): WebhookParseResult {
  return h.connector.parseWebhook(delivery.headers, Buffer.from(delivery.body), Date.now());
}

function rejected(result: WebhookParseResult) {
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

function accepted(result: WebhookParseResult) {
  if (!result.ok) throw new Error(`expected an event, got ${result.code}: ${result.message}`);
  return result.event;
}

describe('jira webhooks (signed by the sandbox, parsed by the connector)', () => {
  let h: Harness;
  let issues: Issue[];
  beforeAll(async () => {
    h = await startHarness({ issues: 10, includeExamples: true }, { rank: true });
    issues = (await pullAll(h.connector)).issues;
  });
  afterAll(async () => {
    await h.sandbox.close();
  });

  it('accepts a correctly signed delivery, without a snapshot (the JQL scope is re-read)', () => {
    h.sandbox.editIssue('APP-1', { value: 6000 });
    const delivery = h.sandbox.webhook('APP-1', {
      secret: h.sandbox.webhookSecret,
      deliveryId: 'd-1',
    });
    const event = accepted(parse(h, delivery));
    expect(event).toMatchObject({
      trackerId: 'jira-sandbox',
      deliveryId: 'd-1',
      action: 'upsert',
      issueId: '10001',
      key: 'APP-1',
      changedFields: [SANDBOX_FIELDS.value],
      actorId: HUMAN_ACCOUNT_ID,
      echoOnly: false,
    });
    // Whether the issue still matches the JQL cannot be read from the payload: the score job
    // re-reads it through the scoped fetch (connectors/jira/webhook.ts).
    expect(event.issue).toBeNull();
    expect(event.sentAtMs).toBe((JSON.parse(delivery.body) as { timestamp: number }).timestamp);
  });

  it('rejects a wrong secret, a missing header and an altered body with 401', () => {
    const wrong = h.sandbox.webhook('APP-1', { secret: 'not-the-secret' });
    expect(rejected(parse(h, wrong))).toMatchObject({ status: 401, code: 'bad_signature' });

    const unsigned = h.sandbox.webhook('APP-1', {});
    expect(unsigned.headers['x-hub-signature']).toBeUndefined();
    expect(rejected(parse(h, unsigned)).status).toBe(401);

    const signed = h.sandbox.webhook('APP-1', { secret: h.sandbox.webhookSecret });
    const altered = { ...signed, body: signed.body.replace('"APP-1"', '"APP-2"') };
    expect(altered.body).not.toBe(signed.body);
    expect(rejected(parse(h, altered)).status).toBe(401);
  });

  it('recognises the echo of its own write, and of its own rank move', async () => {
    const issue = issues.find((i) => i.key === 'OPS-1') as Issue;
    await writeOne(h.connector, issue, { netValueUsd: 4500, rankPosition: 1 });
    const echo = accepted(
      parse(h, h.sandbox.webhook('OPS-1', { secret: h.sandbox.webhookSecret })),
    );
    expect(echo.changedFields).toEqual([SANDBOX_FIELDS.netValue, SANDBOX_FIELDS.rankPosition]);
    expect(echo.actorId).toBe(h.sandbox.accountId);
    expect(echo.echoOnly).toBe(true);

    const other = issues.find((i) => i.key !== 'OPS-1') as Issue;
    await applyRank(h.connector, { ids: [issue.id], before: other.id });
    const rankEcho = accepted(
      parse(h, h.sandbox.webhook('OPS-1', { secret: h.sandbox.webhookSecret })),
    );
    expect(rankEcho.changedFields).toEqual([SANDBOX_FIELDS.rank]);
    expect(rankEcho.echoOnly).toBe(true);
  });

  it('a change mixing our field and an input is not an echo', () => {
    const delivery = h.sandbox.webhook('OPS-1', {
      secret: h.sandbox.webhookSecret,
      changedFieldIds: [SANDBOX_FIELDS.netValue, SANDBOX_FIELDS.cost],
    });
    expect(accepted(parse(h, delivery)).echoOnly).toBe(false);
  });

  it('maps created and deleted events', () => {
    const created = h.sandbox.webhook('APP-1', {
      secret: h.sandbox.webhookSecret,
      event: 'jira:issue_created',
    });
    expect(accepted(parse(h, created))).toMatchObject({
      action: 'upsert',
      changedFields: [],
      echoOnly: false,
    });
    const deleted = h.sandbox.webhook('APP-1', {
      secret: h.sandbox.webhookSecret,
      event: 'jira:issue_deleted',
    });
    expect(accepted(parse(h, deleted))).toMatchObject({
      action: 'remove',
      key: 'APP-1',
      issue: null,
    });
  });

  it('answers 400 with what was wrong for malformed bodies and other event types', () => {
    const signedBody = (body: string) => {
      const { headers } = h.sandbox.webhook('APP-1', { secret: h.sandbox.webhookSecret });
      const signature = `sha256=${hmacSha256Hex(h.sandbox.webhookSecret, body)}`;
      return { headers: { ...headers, 'x-hub-signature': signature }, body };
    };
    expect(rejected(parse(h, signedBody('{not json')))).toMatchObject({
      status: 400,
      code: 'invalid_body',
    });
    const missingIssue = rejected(
      parse(h, signedBody(JSON.stringify({ timestamp: 1, webhookEvent: 'jira:issue_updated' }))),
    );
    expect(missingIssue).toMatchObject({ status: 400, code: 'invalid_body' });
    expect(missingIssue.message).toContain('issue');
    const comment = rejected(
      parse(h, signedBody(JSON.stringify({ timestamp: 1, webhookEvent: 'comment_created' }))),
    );
    expect(comment).toMatchObject({ status: 200, code: 'unsupported_event' });
    expect(comment.message).toContain('jira:issue_updated');
  });

  it('without a webhookSecret every delivery is refused with how to configure it', async () => {
    const config = JiraTrackerConfig.parse(h.sandbox.trackerConfig({ webhookSecret: undefined }));
    const connector = await jiraModule.create(config, DEPS);
    const delivery = h.sandbox.webhook('APP-1', { secret: h.sandbox.webhookSecret });
    const result = rejected(
      connector.parseWebhook(delivery.headers, Buffer.from(delivery.body), Date.now()),
    );
    expect(result.status).toBe(401);
    expect(result.message).toContain('webhookSecret');
  });
});
