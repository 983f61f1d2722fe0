/**
 * The review digest delivered to a real local HTTP receiver (README "Backlog reviews"): the exact
 * Slack-compatible JSON, once per period from the scheduled job, retried after a 500, a final
 * failure in /admin/status and /metrics, and the webhook URL in no log line.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { bullPrefix, JOB, SCORE_QUEUE } from '../../src/queues.js';
import { digestPayload, type SlackPayload } from '../../src/review/digest.js';
import { takeSnapshot } from '../../src/review/load.js';
import {
  REVIEW_SCHEDULERS,
  ensureReviewSchedulers,
  restoreReviewSchedulers,
} from '../../src/review/schedule.js';
import type { Review } from '../../src/review/schema.js';
import { formatUsd } from '../../src/scoring/format.js';
import { processReviewDigest } from '../../workers/review-digest.js';
import { REDIS_URL } from './pipeline-harness.js';
import { figures, topN, type Item } from './review-expected.js';
import {
  JIRA_FIELDS,
  parsePrometheus,
  sampleValue,
  startServerHarness,
  syncAll,
  type ServerHarness,
} from './server-harness.js';

const TOP = 5;
/** The part of an incoming-webhook URL that is the credential. */
const SECRET = 'B0R3V13W/xq7SecretToken9f2Kd81';

interface Received {
  path: string;
  contentType: string | undefined;
  status: number;
  body: unknown;
}

/** A local incoming-webhook receiver: answers the queued statuses (then 200), records requests. */
function startReceiver(): Promise<{
  url: string;
  received: Received[];
  answer(...statuses: number[]): void;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        status,
        body: JSON.parse(raw) as unknown,
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/services/T0001/${SECRET}`,
        received,
        answer: (...s) => statuses.push(...s),
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

let h: ServerHarness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let events: QueueEvents;
let eventsConnection: Redis;
let before: Item[];
let after: Item[];
let raised: Item;

async function ranking(): Promise<Item[]> {
  const res = await h.inject({ method: 'GET', url: '/admin/ranking?limit=1000', headers: h.admin });
  return res.json<{ items: Item[] }>().items;
}

async function reviewNow(): Promise<Review> {
  const res = await h.inject({
    method: 'GET',
    url: `/admin/review?since=7d&top=${TOP}`,
    headers: h.admin,
  });
  expect(res.statusCode).toBe(200);
  return res.json<Review>();
}

async function digestStatus() {
  const res = await h.inject({ method: 'GET', url: '/admin/status', headers: h.admin });
  expect(JSON.stringify(res.json())).not.toContain(SECRET);
  return res.json<{
    reviewDigest: {
      configured: boolean;
      consecutiveFailures: number;
      lastError: string | null;
      lastSuccessAt: string | null;
      lastFailureAt: string | null;
    };
  }>().reviewDigest;
}

async function metric(name: string, labels: Record<string, string> = {}) {
  const res = await h.inject({ method: 'GET', url: '/metrics' });
  return sampleValue(parsePrometheus(res.body), name, labels);
}

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startServerHarness({
    jira: { issues: 20, seed: 311 },
    linear: { issues: 12, seed: 312 },
    jiraTracker: { fields: JIRA_FIELDS },
    config: { reviews: { webhookUrl: receiver.url, allowInsecureHttp: true, top: TOP } },
  });
  await syncAll(h);
  before = await ranking();
  expect(await takeSnapshot(h.ctx, Date.now())).toBe('taken');
  const outside = before.find((i) => i.trackerId === 'acme-jira' && i.rank > TOP);
  if (!outside) throw new Error('no Jira issue outside the top');
  h.jira.editIssue(outside.key, { value: 60_000 });
  await syncAll(h);
  after = await ranking();
  raised = after.find((i) => i.key === outside.key && i.trackerId === 'acme-jira') as Item;
  eventsConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  events = new QueueEvents(SCORE_QUEUE, {
    connection: eventsConnection,
    prefix: bullPrefix(h.prefix),
  });
  await events.waitUntilReady();
}, 60_000);
afterAll(async () => {
  await events.close();
  await eventsConnection.quit();
  await h.close();
  await receiver.close();
});

describe('the review digest', () => {
  it('goes out from the scheduled job as Slack-compatible JSON, once a period', async () => {
    const job = await h.ctx.queues.score.add(JOB.reviewDigest, {});
    expect(await job.waitUntilFinished(events, 30_000)).toEqual({ sent: true, attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.path).toBe(`/services/T0001/${SECRET}`);
    expect(request?.contentType).toBe('application/json');
    const body = request?.body as SlackPayload;
    expect(body).toEqual(digestPayload(await reviewNow()));

    // The shape, and the figures recomputed here from the ranking.
    expect(Object.keys(body)).toEqual(['text', 'blocks']);
    expect(body.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `Backlog review: top ${TOP}` },
    });
    const now = figures(topN(after, TOP));
    const then = figures(topN(before, TOP));
    const share = (t: 'technical' | 'product' | 'unclassified') =>
      now[t].sharePct === then[t].sharePct
        ? `${now[t].sharePct}%`
        : `${now[t].sharePct}% (was ${then[t].sharePct}%)`;
    const sections = body.blocks.flatMap((b) => (b.type === 'section' ? [b.text] : []));
    for (const text of sections) expect(text.type).toBe('mrkdwn');
    expect(sections[0]?.text.split('\n')[0]).toBe(
      `*Share of the top ${TOP} by net value*: technical ${share('technical')}, product ${share('product')}, unclassified ${share('unclassified')}`,
    );
    const from = before.find((i) => i.key === raised.key && i.trackerId === 'acme-jira');
    expect(sections[1]?.text).toContain(
      `• <${raised.url}|${raised.key}> ${raised.title}: #${from?.rank} → #${raised.rank}, ` +
        `${formatUsd(from?.netValueUsd ?? 0)} → ${formatUsd(raised.netValueUsd ?? 0)} (input edited)`,
    );
    expect(body.text).toContain(`${now.technical.sharePct}% technical`);

    // A second tick within the period sends nothing.
    expect(await processReviewDigest(h.ctx, {})).toEqual({ sent: false, why: 'not due' });
    expect(receiver.received).toHaveLength(1);
  });

  it('POST /admin/review/send retries after a 500 and reports the attempts', async () => {
    receiver.answer(500);
    const res = await h.inject({ method: 'POST', url: '/admin/review/send', headers: h.admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ delivered: true, attempts: 2 });
    expect(receiver.received.map((r) => r.status)).toEqual([200, 500, 200]);
    expect(receiver.received[2]?.body).toEqual(receiver.received[1]?.body);
    const status = await digestStatus();
    expect(status).toMatchObject({
      configured: true,
      consecutiveFailures: 0,
      lastError: 'the review webhook answered HTTP 500',
    });
    expect(Date.parse(status.lastSuccessAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(status.lastFailureAt ?? ''),
    );
    expect(await metric('netvalue_review_digests_total', { result: 'failed' })).toBe(1);
    expect(await metric('netvalue_review_digests_total', { result: 'delivered' })).toBe(2);
    expect(await metric('netvalue_review_digest_consecutive_failures')).toBe(0);
  });

  it('a delivery that cannot succeed is a 502, shown in /admin/status and /metrics', async () => {
    receiver.answer(404);
    const res = await h.inject({ method: 'POST', url: '/admin/review/send', headers: h.admin });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({
      error: {
        code: 'delivery_failed',
        message: 'the digest was not delivered: the review webhook answered HTTP 404',
      },
    });
    // A 404 (webhook removed) is final: not retried.
    expect(receiver.received).toHaveLength(4);
    expect(await digestStatus()).toMatchObject({
      consecutiveFailures: 1,
      lastError: 'the review webhook answered HTTP 404',
    });
    expect(await metric('netvalue_review_digest_consecutive_failures')).toBe(1);
    expect(await metric('netvalue_review_digests_total', { result: 'failed' })).toBe(2);
  });

  it('never writes the webhook URL to a log line', () => {
    const lines = h.logs.join('').split('\n').filter(Boolean);
    expect(lines.some((l) => l.includes('review digest delivered'))).toBe(true);
    expect(lines.some((l) => l.includes('review digest delivery failed'))).toBe(true);
    const port = new URL(receiver.url).port;
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(`${port}/services`);
    }
  });

  it('refuses an http:// URL without allowInsecureHttp, without repeating it', () => {
    const result = ConfigSchema.safeParse({
      ...h.config,
      reviews: { webhookUrl: `http://hooks.example.com/services/${SECRET}` },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['reviews', 'webhookUrl']);
    expect(JSON.stringify(result.error?.issues)).not.toContain(SECRET);
  });

  it('schedules the snapshot hourly and the digest every reviews.everySec', async () => {
    await ensureReviewSchedulers(h.ctx);
    const schedulers = await h.ctx.queues.score.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual(
      [
        [REVIEW_SCHEDULERS.digest, 604_800_000],
        [REVIEW_SCHEDULERS.snapshot, 3_600_000],
      ].sort(),
    );
    // Redis lost one: serve's periodic check re-creates it, and only it.
    expect(await h.ctx.queues.score.removeJobScheduler(REVIEW_SCHEDULERS.snapshot)).toBe(true);
    expect(await restoreReviewSchedulers(h.ctx)).toEqual([REVIEW_SCHEDULERS.snapshot]);
    expect(await h.ctx.queues.score.getJobScheduler(REVIEW_SCHEDULERS.snapshot)).toMatchObject({
      every: 3_600_000,
    });
    expect(await restoreReviewSchedulers(h.ctx)).toEqual([]);
  });
});
