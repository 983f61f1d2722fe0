/**
 * Backlog reviews on the sandboxes' data (README "Backlog reviews"): work types on ranking items
 * and issue details, then a review after an input edit, an issue leaving and one entering the
 * scope, an input removed and a settings change, checked against figures recomputed here from the
 * ranking before and after; the same review from the CLI; bad input named.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { ConfigSchema } from '../../src/config/schema.js';
import { createContext, createLogger } from '../../src/main.js';
import { rescoreIfSettingsChanged } from '../../src/pipeline/rescore.js';
import { takeSnapshot } from '../../src/review/load.js';
import type { Review } from '../../src/review/schema.js';
import {
  deferredTechnical,
  entered,
  figures,
  left,
  movers,
  newlyNeedingInput,
  shares,
  topN,
  type Item,
} from './review-expected.js';
import { JIRA_FIELDS, startServerHarness, syncAll, type ServerHarness } from './server-harness.js';

const TOP = 10;
let h: ServerHarness;
const dir = mkdtempSync(join(tmpdir(), 'netvalue-review-'));
let configPath: string;

beforeAll(async () => {
  h = await startServerHarness({
    jira: { issues: 40, seed: 171 },
    linear: { issues: 24, seed: 172 },
    jiraTracker: { fields: JIRA_FIELDS },
  });
  // Records the settings in force, so a later change of them is seen as one.
  await rescoreIfSettingsChanged(h.ctx);
  await syncAll(h);
  configPath = join(dir, 'netvalue.config.yaml');
  writeFileSync(configPath, JSON.stringify(h.config));
}, 60_000);
afterAll(async () => {
  await h.close();
});

async function ranking(): Promise<Item[]> {
  const res = await h.inject({ method: 'GET', url: '/admin/ranking?limit=1000', headers: h.admin });
  expect(res.statusCode).toBe(200);
  return res.json<{ items: Item[] }>().items;
}

/** The work type the sandboxes' own data says, by the default rules. */
function sandboxWorkType(item: Item): { type: string; rule: string } {
  if (item.trackerId === 'acme-jira') {
    const issue = h.jira.issue(item.key);
    if (!issue) throw new Error(`no Jira issue ${item.key}`);
    if (issue.labels.includes('tech-debt')) return { type: 'technical', rule: 'label tech-debt' };
    if (['Story', 'Bug', 'Feature'].includes(issue.issueType))
      return { type: 'product', rule: `issue type ${issue.issueType}` };
    return { type: 'unclassified', rule: 'no workType rule matched' };
  }
  const labels = h.linear.issue(item.key).labels;
  if (labels.includes('Tech debt')) return { type: 'technical', rule: 'label Tech debt' };
  const product = labels.find((l) => ['Bug', 'Feature', 'Story'].includes(l));
  if (product) return { type: 'product', rule: `label ${product}` };
  return { type: 'unclassified', rule: 'no workType rule matched' };
}

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, isTty: false, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('work types', () => {
  it('shows on every ranking item and issue detail, with the rule that matched', async () => {
    const items = await ranking();
    for (const item of items) {
      expect({ key: item.key, type: item.workType, rule: item.workTypeRule }).toEqual({
        key: item.key,
        ...sandboxWorkType(item),
      });
    }
    const types = new Set(items.map((i) => `${i.trackerId}:${i.workType}`));
    for (const t of ['acme-jira:technical', 'acme-jira:product', 'acme-linear:technical'])
      expect(types).toContain(t);
    const jira = items.find((i) => i.trackerId === 'acme-jira' && i.workType === 'technical');
    const res = await h.inject({
      method: 'GET',
      url: `/admin/issues/acme-jira/${jira?.key ?? ''}`,
      headers: h.admin,
    });
    expect(res.json<{ workType: unknown }>().workType).toEqual({
      type: 'technical',
      rule: 'label tech-debt',
    });
  });
});

describe('the review', () => {
  let review: Review;
  let before: Item[];
  let after: Item[];
  let snapshotAt: string;
  const edits = { raised: '', emptied: '', closed: '', reopened: '' };

  it('compares with a snapshot: movers after an input edit and a settings change, scope, needs input, deferred work', async () => {
    before = await ranking();
    expect(await takeSnapshot(h.ctx, Date.now())).toBe('taken');
    expect(await takeSnapshot(h.ctx, Date.now())).toBe('exists');
    snapshotAt = (await h.ctx.reviews.baseline(Date.now()))?.at ?? '';
    expect(snapshotAt).not.toBe('');

    const jiraScored = before.filter((i) => i.trackerId === 'acme-jira' && i.status === 'scored');
    const raised = jiraScored.find((i) => i.rank > TOP);
    const emptied = jiraScored.find((i) => i.rank <= TOP);
    const closed = jiraScored.find((i) => i !== raised && i !== emptied);
    const reopened = h.jira
      .issues()
      .find(
        (i) => i.status === 'Done' && typeof i.value === 'number' && typeof i.cost === 'number',
      );
    if (!raised || !emptied || !closed || !reopened) throw new Error('sandbox data lacks a case');
    Object.assign(edits, {
      raised: raised.key,
      emptied: emptied.key,
      closed: closed.key,
      reopened: reopened.key,
    });
    h.jira.editIssue(raised.key, { value: 80_000 });
    h.jira.editIssue(emptied.key, { value: null });
    h.jira.editIssue(closed.key, { status: 'Done' });
    h.jira.editIssue(reopened.key, { status: 'To Do' });
    await syncAll(h);
    await h.workers?.close();
    h.workers = null;

    // A restart with another hourly rate re-scores every issue ("settings change" history).
    const config = ConfigSchema.parse({
      ...h.config,
      scoring: { ...h.config.scoring, hourlyRateUsd: 90 },
    });
    const restarted = await createContext(config, {
      connectors: h.ctx.connectors,
      logger: createLogger({ logLevel: 'silent' }),
    });
    try {
      expect(await rescoreIfSettingsChanged(restarted)).toBe(true);
    } finally {
      await restarted.close();
    }

    after = await ranking();
    const res = await h.inject({
      method: 'GET',
      url: `/admin/review?since=${encodeURIComponent(snapshotAt)}&top=${TOP}`,
      headers: h.admin,
    });
    expect(res.statusCode).toBe(200);
    review = res.json<Review>();

    const editedKeys = new Set([edits.raised, edits.emptied]);
    const why = (item: Item) =>
      [
        ...(editedKeys.has(item.key) ? ['input edited'] : []),
        ...(item.status === 'scored' ? ['settings changed'] : []),
      ].join(', ') || 'other issues moved';
    const trackerShares = (trackerId: string) => ({
      trackerId,
      ...shares(topN(after, TOP, trackerId), topN(before, TOP, trackerId)),
    });
    expect(review).toEqual({
      at: review.at,
      since: snapshotAt,
      baselineAt: snapshotAt,
      top: TOP,
      trackerId: null,
      overall: shares(topN(after, TOP), topN(before, TOP)),
      trackers: [trackerShares('acme-jira'), trackerShares('acme-linear')],
      movers: movers(before, after, TOP, why),
      entered: entered(before, after),
      left: left(before, after),
      needsInput: newlyNeedingInput(before, after),
      deferredTechnical: deferredTechnical(before, after, TOP, snapshotAt, review.at),
    });
    // The cases the edits made, named.
    const raisedMover = review.movers.find((m) => m.key === edits.raised);
    expect(raisedMover?.why).toBe('input edited, settings changed');
    expect(raisedMover?.fromRank).toBeGreaterThan(TOP);
    expect(raisedMover?.toRank).toBeLessThanOrEqual(TOP);
    expect(review.left).toContainEqual({ trackerId: 'acme-jira', key: edits.closed });
    expect(review.entered.map((e) => e.key)).toContain(edits.reopened);
    expect(review.needsInput.find((n) => n.key === edits.emptied)?.reason).toMatch(/missing/);
    expect(review.movers.some((m) => m.why === 'settings changed')).toBe(true);
    for (const item of after) expect(item.workType).toBe(sandboxWorkType(item).type);
  }, 60_000);

  it('answers the same figures for a duration and for one tracker', async () => {
    const res = await h.inject({
      method: 'GET',
      url: `/admin/review?since=7d&top=5&trackerId=acme-linear`,
      headers: h.admin,
    });
    expect(res.statusCode).toBe(200);
    const linear = res.json<Review>();
    expect(linear.baselineAt).toBe(snapshotAt);
    expect(linear.trackerId).toBe('acme-linear');
    const { technical, product, unclassified } = figures(topN(after, 5, 'acme-linear'));
    expect(linear.overall.technical).toMatchObject(technical);
    expect(linear.overall.product).toMatchObject(product);
    expect(linear.overall.unclassified).toMatchObject(unclassified);
    expect(linear.trackers.map((t) => t.trackerId)).toEqual(['acme-linear']);
    expect(linear.left).toEqual([]);
    expect(linear.movers.every((m) => m.trackerId === 'acme-linear')).toBe(true);
  });

  it('gives the technical/product share of the top N over time', async () => {
    const res = await h.inject({
      method: 'GET',
      url: `/admin/review/trend?top=${TOP}`,
      headers: h.admin,
    });
    expect(res.statusCode).toBe(200);
    const trend = res.json<{ points: { at: string }[] }>();
    expect(trend.points).toHaveLength(2);
    expect(trend.points[0]).toEqual({ at: snapshotAt, ...figures(topN(before, TOP)) });
    expect(trend.points[1]).toEqual({
      at: trend.points[1]?.at,
      ...figures(topN(after, TOP)),
    });
  });

  it('gives the point for now from the head of the ranking, for each tracker and top N', async () => {
    const scored = after.filter((i) => i.status === 'scored').length;
    expect(after.length).toBeGreaterThan(scored); // the walk meets unscored issues and stops there
    for (const trackerId of [null, ...new Set(after.map((i) => i.trackerId))]) {
      for (const top of [1, 3, TOP, 100]) {
        const query = `top=${top}${trackerId === null ? '' : `&trackerId=${trackerId}`}`;
        const res = await h.inject({
          method: 'GET',
          url: `/admin/review/trend?${query}`,
          headers: h.admin,
        });
        expect(res.statusCode).toBe(200);
        const now = res.json<{ points: { at: string }[] }>().points.at(-1);
        expect(now).toEqual({ at: now?.at, ...figures(topN(after, top, trackerId)) });
      }
    }
  });

  it('prints the same review from the CLI, as JSON and as Markdown', async () => {
    const io = captureIo();
    const code = await runCli(
      ['review', '--config', configPath, '--json', '--since', snapshotAt, '--top', String(TOP)],
      io,
      {},
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const cli = JSON.parse(io.stdout.join('\n')) as Review;
    const nowless = (r: Review) => ({
      ...r,
      at: 'now',
      deferredTechnical: r.deferredTechnical.map((d) => ({
        ...d,
        inTopSince: d.inTopSince === r.at ? 'now' : d.inTopSince,
      })),
    });
    expect(nowless(cli)).toEqual(nowless(review));

    const md = captureIo();
    expect(
      await runCli(['review', '--config', configPath, '--markdown', '--top', '10'], md, {}),
    ).toBe(0);
    const text = md.stdout.join('\n');
    expect(text).toMatch(/^# Backlog review/);
    expect(text).toContain('## Biggest movers');
    expect(text).toContain(`| acme-jira | ${edits.raised} |`);
    expect(text).toContain(`| acme-jira | ${edits.closed} |`);
  });

  it.each([
    [
      ['--since', 'yesterday'],
      "--since must be a duration like 30m, 12h, 7d or 2w, or an ISO-8601 time, got 'yesterday'",
    ],
    [['--since', '400d'], '--since must be within the last 92 days'],
    [['--top', '0'], "--top must be a whole number from 1 to 100, got '0'"],
    [['--top', '101'], "--top must be a whole number from 1 to 100, got '101'"],
    [
      ['--tracker', 'nope'],
      "--tracker: unknown tracker 'nope'; configured: acme-jira, acme-linear",
    ],
    [['--json', '--markdown'], '--json and --markdown: choose one'],
  ])('refuses %j with exit 2, naming the flag', async (args, message) => {
    const io = captureIo();
    expect(await runCli(['review', '--config', configPath, ...args], io, {})).toBe(2);
    expect(io.stderr.join('\n')).toContain(message);
    expect(io.stdout).toEqual([]);
  });

  it.each([
    ['since=abc', 'since', 'must be a duration like 30m'],
    ['top=0', 'top', 'must be at least 1'],
    ['top=101', 'top', 'must be at most 100'],
    ['trackerId=nope', 'trackerId', "unknown tracker 'nope'"],
    ['limit=5', 'limit', 'unknown key'],
  ])('answers 400 to ?%s, naming the field', async (query, path, message) => {
    for (const route of ['/admin/review', '/admin/review/trend']) {
      const res = await h.inject({ method: 'GET', url: `${route}?${query}`, headers: h.admin });
      expect(res.statusCode).toBe(400);
      const { error } = res.json<{
        error: { code: string; issues: { path: string; message: string }[] };
      }>();
      expect(error.code).toBe('invalid_query');
      expect(error.issues[0]?.path).toBe(path);
      expect(error.issues[0]?.message).toContain(message);
    }
  });

  it('answers 409 to a send without reviews.webhookUrl', async () => {
    const res = await h.inject({ method: 'POST', url: '/admin/review/send', headers: h.admin });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('review_not_configured');
  });
});
