/**
 * Issue 15, section 4, findings 2 and 3: webhooks never write to an issue that left the scope,
 * and stale, replayed or out-of-order deliveries never write an old value.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../connectors/signature.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { redisKeys } from '../../src/store/keys.js';
import { MetaStore } from '../../src/store/meta.js';
import { deletePrefix, linearUpdatedIds, REDIS_URL, type Harness } from './pipeline-harness.js';
import { JIRA_FIELDS, startServerHarness, syncAll, type ServerHarness } from './server-harness.js';

const LINEAR_SECRET = 'lin_wh_security_test_secret_0123456789';

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

const jiraEdits = (h: Harness, id: string): number =>
  h.jira.log.count((e) => e.operation === 'edit' && e.status === 204 && e.path.endsWith(`/${id}`));

const linearWrites = (h: Harness, id: string): number =>
  h.linear.log.count(
    (e) =>
      (e.operation === 'NetvalueIssueUpdate' || e.operation === 'NetvalueIssueUpdates') &&
      e.status === 200 &&
      linearUpdatedIds(e.body).includes(id),
  );

/** Polls until `check` holds (the score and write jobs run in the background). */
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Resolves when every job of the deployment's queues has run. */
async function drained(h: Harness): Promise<void> {
  await until(async () => {
    for (const queue of h.ctx.queues.all()) {
      // Delayed jobs are the debounced plans (rankSettleMs is long here): not waited for.
      const counts = await queue.getJobCounts('wait', 'active', 'prioritized');
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  }, 'the queues to drain');
}

describe('webhooks: scope, freshness, replays and order', () => {
  let h: ServerHarness;
  let jiraIssues: IssueRecord[];
  let linearIssues: IssueRecord[];

  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 40, seed: 1501 },
      linear: { issues: 40, seed: 1502 },
      jiraTracker: { fields: JIRA_FIELDS },
      // Positions wait for a plan that never comes during the test: writes come from score jobs.
      config: { sync: { rankSettleMs: 600_000 } },
      linearTracker: {
        webhookSecret: LINEAR_SECRET,
        writeBack: { prioritySortOrder: false, priority: true, attachment: false },
      },
    });
    await syncAll(h);
    const scored = async (trackerId: string) =>
      (await h.ctx.store.all(trackerId)).filter(
        (r) => r.result.status === 'scored' && typeof r.inputs.cost === 'number',
      );
    jiraIssues = await scored('acme-jira');
    linearIssues = (await scored('acme-linear')).filter((r) => (r.result.netValueUsd ?? 0) < 5000);
  });
  afterAll(async () => {
    await h?.close();
  });

  const nextJira = (): IssueRecord => {
    const issue = jiraIssues.shift();
    if (!issue) throw new Error('too few scored Jira issues');
    return issue;
  };

  const post = async (kind: 'jira' | 'linear', delivery: Delivery) => {
    const res = await h.inject({
      method: 'POST',
      url: `/webhooks/${kind}/acme-${kind}`,
      headers: delivery.headers,
      payload: delivery.body,
    });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };

  const signJira = (body: string, deliveryId = randomUUID()): Delivery => ({
    body,
    headers: {
      'content-type': 'application/json',
      'x-atlassian-webhook-identifier': deliveryId,
      'x-hub-signature': `sha256=${hmacSha256Hex(h.jira.webhookSecret, body)}`,
    },
  });

  it('finding 2: a signed Jira webhook for an issue now outside the JQL removes it and writes nothing', async () => {
    const issue = nextJira();
    const editsBefore = jiraEdits(h, issue.id);
    // Done is outside `statusCategory != Done`; the new value would move it to the top.
    h.jira.editIssue(issue.key, { status: 'Done', value: 9_000_000 });
    const delivery = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });
    expect(await post('jira', delivery)).toEqual({ status: 200, body: { status: 'queued' } });
    await until(async () => (await h.ctx.store.get('acme-jira', issue.id)) === null, 'removal');
    await drained(h);
    expect((await h.ctx.store.positionsOf('acme-jira')).has(issue.id)).toBe(false);
    expect(jiraEdits(h, issue.id)).toBe(editsBefore);
    expect(h.jira.issue(issue.key)?.netValue).toBe(issue.current.netValueUsd);

    // A later webhook for it (still Done) is never written either.
    h.jira.editIssue(issue.key, { value: 8_000_000 });
    const again = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });
    expect(await post('jira', again)).toEqual({ status: 200, body: { status: 'queued' } });
    await drained(h);
    expect(await h.ctx.store.get('acme-jira', issue.id)).toBeNull();
    expect(jiraEdits(h, issue.id)).toBe(editsBefore);
  });

  it('finding 2: an incremental sync removes issues that left the JQL since the watermark', async () => {
    const issue = nextJira();
    const editsBefore = jiraEdits(h, issue.id);
    h.jira.editIssue(issue.key, { status: 'Done' }); // no webhook: only the sync can notice
    const [jiraRun] = (await syncAll(h)).filter((s) => s.trackerId === 'acme-jira');
    expect(jiraRun?.full).toBe(false);
    expect(await h.ctx.store.get('acme-jira', issue.id)).toBeNull();
    await drained(h);
    expect(jiraEdits(h, issue.id)).toBe(editsBefore);
  });

  it('finding 2: an incremental Linear sync removes issues that were completed or moved to a team not synced', async () => {
    const [done, moved] = [linearIssues.shift(), linearIssues.shift()];
    if (!done || !moved) throw new Error('too few scored Linear issues');
    const writesBefore = [linearWrites(h, done.id), linearWrites(h, moved.id)];
    // No webhook: only the sync can notice. The pull's own filter no longer returns either.
    h.linear.editIssue(done.key, { stateType: 'completed', valueLabel: '$900k' });
    h.linear.editIssue(moved.key, { teamKey: 'DES', valueLabel: '$800k' });
    const [linearRun] = (await syncAll(h)).filter((s) => s.trackerId === 'acme-linear');
    expect(linearRun?.full).toBe(false);
    expect(await h.ctx.store.get('acme-linear', done.id)).toBeNull();
    expect(await h.ctx.store.get('acme-linear', moved.id)).toBeNull();
    await drained(h);
    const positions = await h.ctx.store.positionsOf('acme-linear');
    expect(positions.has(done.id) || positions.has(moved.id)).toBe(false);
    expect([linearWrites(h, done.id), linearWrites(h, moved.id)]).toEqual(writesBefore);
  });

  it('finding 3: refuses a signed body older than server.webhookMaxAgeSec and queues nothing', async () => {
    const issue = nextJira();
    const fresh = JSON.parse(h.jira.webhook(issue.key, { secret: h.jira.webhookSecret }).body) as {
      timestamp: number;
    };
    const old = signJira(
      JSON.stringify({ ...fresh, timestamp: Date.parse('2020-03-01T10:00:00Z') }),
    );
    await drained(h);
    const res = await post('jira', old);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'stale_timestamp' } });
    expect((res.body as { error: { message: string } }).error.message).toContain(
      'server.webhookMaxAgeSec',
    );
    const deliveryId = old.headers['x-atlassian-webhook-identifier'] as string;
    expect(await h.ctx.redis.exists(h.ctx.keys.delivery('acme-jira', deliveryId))).toBe(0);
    expect(await h.ctx.queues.score.getJobCounts('wait', 'active', 'prioritized')).toEqual({
      wait: 0,
      active: 0,
      prioritized: 0,
    });
  });

  it('finding 3: the same body under a new delivery id is a duplicate', async () => {
    const issue = nextJira();
    h.jira.editIssue(issue.key, { value: 71_000 });
    const first = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });
    const written = h.jira.log.waitFor(
      (e) => e.operation === 'edit' && e.status === 204 && e.path.endsWith(`/${issue.id}`),
      jiraEdits(h, issue.id) + 1,
    );
    expect(await post('jira', first)).toEqual({ status: 200, body: { status: 'queued' } });
    await written;
    const replay = {
      body: first.body,
      headers: { ...first.headers, 'x-atlassian-webhook-identifier': randomUUID() },
    };
    expect(await post('jira', replay)).toEqual({ status: 200, body: { status: 'duplicate' } });
  });

  it('finding 3: Jira retrying an old delivery after a newer one never writes the old value', async () => {
    const issue = nextJira();
    const cost = issue.inputs.cost as number;
    h.jira.editIssue(issue.key, { value: 200_000 });
    const older = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });
    await sleep(5); // the newer edit gets a later `updated`
    h.jira.editIssue(issue.key, { value: 300_000 });
    const newer = h.jira.webhook(issue.key, { secret: h.jira.webhookSecret });

    const written = h.jira.log.waitFor(
      (e) => e.operation === 'edit' && e.status === 204 && e.path.endsWith(`/${issue.id}`),
      jiraEdits(h, issue.id) + 1,
    );
    expect(await post('jira', newer)).toEqual({ status: 200, body: { status: 'queued' } });
    await written;
    expect(h.jira.issue(issue.key)?.netValue).toBe(300_000 - cost * 50);

    // The older delivery arrives last (its first attempt failed): it must not win.
    expect(await post('jira', older)).toEqual({ status: 200, body: { status: 'queued' } });
    await drained(h);
    expect(h.jira.issue(issue.key)?.netValue).toBe(300_000 - cost * 50);
    expect((await h.ctx.store.get('acme-jira', issue.id))?.result.netValueUsd).toBe(
      300_000 - cost * 50,
    );
  });

  it('finding 3: a Linear snapshot older than the state held is not scored', async () => {
    const issue = linearIssues.shift();
    if (!issue) throw new Error('too few Linear issues');
    const deliver = (label: string) => {
      h.linear.editIssue(issue.key, { valueLabel: label });
      return h.linear.webhook(issue.key, {
        secret: LINEAR_SECRET,
        updatedFrom: { labelIds: [] },
        actorId: 'a-person',
      });
    };
    const older = deliver('$1'); // Low
    await sleep(5);
    const newer = deliver('$700k'); // High: the issue is below High now, so this is written
    const written = h.linear.log.waitFor(
      (e) =>
        (e.operation === 'NetvalueIssueUpdate' || e.operation === 'NetvalueIssueUpdates') &&
        e.status === 200 &&
        linearUpdatedIds(e.body).includes(issue.id),
      linearWrites(h, issue.id) + 1,
    );
    expect(await post('linear', newer)).toEqual({ status: 200, body: { status: 'queued' } });
    await written;
    const priority = h.linear.issue(issue.key).priority;
    const writes = linearWrites(h, issue.id);
    expect(await post('linear', older)).toEqual({ status: 200, body: { status: 'queued' } });
    await drained(h);
    expect(h.linear.issue(issue.key).priority).toBe(priority);
    expect(linearWrites(h, issue.id)).toBe(writes);
  });
});

describe('MetaStore.acceptDelivery', () => {
  const prefix = `t-${randomUUID().slice(0, 12)}`;
  const keys = redisKeys(prefix);
  let redis: Redis;
  let meta: MetaStore;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    meta = new MetaStore(redis, keys, () => undefined);
  });
  afterAll(async () => {
    await redis.quit();
    await deletePrefix(prefix);
  });

  const snapshot = (issueId: string, updatedAt: string, title: string) => ({
    issueId,
    updatedAt,
    json: JSON.stringify({ title, updatedAt }),
  });
  const held = async (issueId: string) =>
    JSON.parse((await redis.hget(keys.snapshots('t'), issueId)) ?? 'null') as {
      title: string;
    } | null;

  it('stores nothing for a duplicate, by delivery id or by body hash', async () => {
    expect(
      await meta.acceptDelivery('t', ['d1', 'h1'], snapshot('1', '2026-01-01T10:00:00Z', 'a')),
    ).toBe(true);
    expect(
      await meta.acceptDelivery('t', ['d1', 'h2'], snapshot('1', '2026-01-01T11:00:00Z', 'b')),
    ).toBe(false);
    expect(
      await meta.acceptDelivery('t', ['d9', 'h1'], snapshot('1', '2026-01-01T12:00:00Z', 'c')),
    ).toBe(false);
    expect((await held('1'))?.title).toBe('a');
    // The rejected names were not remembered either: their own first delivery is accepted.
    expect(await redis.exists(keys.delivery('t', 'd9'))).toBe(0);
  });

  it('keeps the newest snapshot by updatedAt, whatever order deliveries arrive in', async () => {
    expect(
      await meta.acceptDelivery('t', ['n2'], snapshot('2', '2026-01-01T11:00:00Z', 'new')),
    ).toBe(true);
    expect(
      await meta.acceptDelivery('t', ['n1'], snapshot('2', '2026-01-01T10:00:00Z', 'old')),
    ).toBe(true);
    expect((await held('2'))?.title).toBe('new');
    expect(
      await meta.acceptDelivery('t', ['n3'], snapshot('2', '2026-01-01T12:00:00Z', 'newest')),
    ).toBe(true);
    expect((await held('2'))?.title).toBe('newest');
  });

  it('forgets every name of a delivery that could not be queued', async () => {
    expect(await meta.acceptDelivery('t', ['f1', 'fh1'], null)).toBe(true);
    await meta.forgetDelivery('t', ['f1', 'fh1']);
    expect(await meta.acceptDelivery('t', ['f1', 'fh1'], null)).toBe(true);
  });
});
