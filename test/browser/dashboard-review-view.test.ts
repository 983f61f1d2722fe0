/**
 * The dashboard's Review view in Chromium (issue 17) on both sandboxes: three ranking snapshots
 * stored 40, 10 and 2 days back (each a different baseline), then the view shows exactly the
 * figures of the `GET /admin/review` answer it read (itself equal to one read here), the chart has
 * one mark per `GET /admin/review/trend` point and series and a table of them, and changing
 * since (by keyboard), top and tracker reloads both. A bad top shows the API's reason; 400 px
 * wide, light and dark, every control labelled; zero console errors and zero CSP violations.
 */
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { currentIssues } from '../../src/review/load.js';
import type { Review, Share, Trend } from '../../src/review/schema.js';
import { formatUsd } from '../../src/scoring/format.js';
import type { SnapshotEntry } from '../../src/store/review-store.js';
import { JIRA_FIELDS, syncAll } from '../integration/server-harness.js';
import {
  dataKeys,
  inPage,
  launchChromium,
  logIn,
  LOW_CONTRAST,
  screenshot,
  startServed,
  UNLABELLED,
  waitForData,
  watchPage,
  type PageProblems,
  type ServedHarness,
} from './browser-harness.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
let h: ServedHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

/**
 * Snapshots that make every part of a review non-empty: 10 days back (the 7d baseline) the order
 * of the first ten was reversed with other net values, two issues had not arrived yet, two others
 * (since closed) led the ranking, and the issues needing input now were scored; 40 days back (the
 * 30d baseline) everything was product work in reverse order; 2 days back is as now.
 */
async function storeSnapshots(): Promise<void> {
  const now: SnapshotEntry[] = (await currentIssues(h.ctx)).map((e) => ({
    trackerId: e.trackerId,
    key: e.key,
    status: e.status,
    netValueUsd: e.netValueUsd,
    workType: e.workType,
  }));
  const scored = now.filter((e) => e.status === 'scored');
  const id = (e?: SnapshotEntry) => `${e?.trackerId}/${e?.key}`;
  const arrived = new Set([id(scored[2]), id(scored[4])]);
  const gone: SnapshotEntry[] = [
    {
      trackerId: 'acme-jira',
      key: 'GONE-1',
      status: 'scored',
      netValueUsd: 90_000,
      workType: 'technical',
    },
    {
      trackerId: 'acme-linear',
      key: 'GONE-2',
      status: 'scored',
      netValueUsd: 80_000,
      workType: 'product',
    },
  ];
  const mid = [
    ...gone,
    ...now
      .slice(0, 10)
      .reverse()
      .map((e) => ({ ...e, netValueUsd: (e.netValueUsd ?? 0) / 2 })),
    ...now.slice(10),
  ]
    .filter((e) => !arrived.has(id(e)))
    .map((e) =>
      e.status === 'scored' ? e : { ...e, status: 'scored' as const, netValueUsd: 1234 },
    );
  const old = now.map((e) => ({ ...e, workType: 'product' as const })).reverse();
  const t = Date.now();
  const at = (daysBack: number) => new Date(t - daysBack * DAY_MS - HOUR_MS).toISOString();
  expect(await h.ctx.reviews.addSnapshot({ at: at(40), items: old })).toBe(true);
  expect(await h.ctx.reviews.addSnapshot({ at: at(10), items: mid })).toBe(true);
  expect(await h.ctx.reviews.addSnapshot({ at: at(2), items: now })).toBe(true);
}

beforeAll(async () => {
  [h, browser] = await Promise.all([
    startServed({
      jira: { issues: 24, seed: 1701, includeExamples: true },
      linear: { issues: 16, seed: 1702 },
      jiraTracker: { fields: JIRA_FIELDS },
    }),
    launchChromium(),
  ]);
  await syncAll(h);
  await storeSnapshots();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

afterEach(async () => {
  await context?.close();
});

async function openDashboard(viewport = { width: 1280, height: 900 }, scheme = 'light') {
  context = await browser.newContext({
    viewport,
    colorScheme: scheme === 'dark' ? 'dark' : 'light',
  });
  page = await context.newPage();
  problems = await watchPage(page);
  await logIn(page, h);
  await waitForData(page);
}

const isReview = (r: Response) => new URL(r.url()).pathname === '/admin/review';
const isTrend = (r: Response) => new URL(r.url()).pathname === '/admin/review/trend';

/** Does `act`, then returns the review and trend answers the page read and drew for `query`. */
async function reload(query: string, act: () => Promise<void>): Promise<[Review, Trend]> {
  const matches = (r: Response) => new URL(r.url()).search === `?${query}`;
  const review = page.waitForResponse((r) => isReview(r) && matches(r));
  const trendQuery = new URLSearchParams(query);
  trendQuery.set('since', '90d');
  const trend = page.waitForResponse(
    (r) => isTrend(r) && new URL(r.url()).search === `?${trendQuery.toString()}`,
  );
  await act();
  const [reviewRes, trendRes] = await Promise.all([review, trend]);
  await page
    .locator(`#review-results[aria-busy="false"][data-query="${query}"]`)
    .waitFor({ state: 'attached' });
  return [(await reviewRes.json()) as Review, (await trendRes.json()) as Trend];
}

async function openReview(): Promise<[Review, Trend]> {
  return reload('since=7d&top=20', () => page.locator('#nav-review').click());
}

const usd = (n: number | null) => (n === null ? '—' : formatUsd(n));
const change = (now: number, before: number | null | undefined) => {
  if (before === null || before === undefined) return '—';
  const pts = Math.round((now - before) * 10) / 10;
  return `${pts > 0 ? '+' : ''}${pts} pts (was ${before}%)`;
};
const shareCells = (s: Share) => [
  String(s.count),
  `${s.countPct}%`,
  change(s.countPct, s.before?.countPct),
  usd(s.netValueUsd),
  `${s.sharePct}%`,
  change(s.sharePct, s.before?.sharePct),
];
const TYPES = ['technical', 'product', 'unclassified'] as const;

/** The cell texts of each row of a table (header cells left out). */
const cells = (selector: string) =>
  page
    .locator(selector)
    .evaluateAll((rows: { querySelectorAll(s: string): ArrayLike<{ textContent: string }> }[]) =>
      rows.map((r) => Array.from(r.querySelectorAll('td'), (c) => c.textContent)),
    );

/** The page shows exactly the figures of `review`. */
async function expectFigures(review: Review): Promise<void> {
  const scope = review.trackerId ?? 'every tracker';
  const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  await expect(page.locator('#review-summary').textContent()).resolves.toBe(
    `Top ${review.top} of ${scope} since ${utc(review.since)}; compared with the ranking of ${utc(review.baselineAt ?? '')}.`,
  );
  expect(await cells('#review-overall-table tr.share')).toEqual(
    TYPES.map((t) => shareCells(review.overall[t])),
  );
  expect(await dataKeys(page.locator('#review-trackers-table tr.share'))).toEqual(
    review.trackers.flatMap((t) => TYPES.map(() => `${t.trackerId}/null`)),
  );
  expect(await cells('#review-trackers-table tr.share')).toEqual(
    review.trackers.flatMap((t) => TYPES.map((type) => shareCells(t[type]))),
  );
  const rows = (id: string) => cells(`#review-${id}-table tbody tr[data-key]`);
  expect(await rows('movers')).toEqual(
    review.movers.map((m) => [
      m.trackerId,
      m.key,
      m.title,
      m.workType,
      `${m.fromRank === null ? 'new' : `#${m.fromRank}`} → #${m.toRank}`,
      `${usd(m.fromNetValueUsd)} → ${usd(m.toNetValueUsd)}`,
      m.why,
    ]),
  );
  expect(await rows('entered')).toEqual(
    review.entered.map((e) => [e.trackerId, e.key, e.title, `#${e.rank}`]),
  );
  expect(await rows('left')).toEqual(review.left.map((e) => [e.trackerId, e.key]));
  expect(await rows('needs')).toEqual(
    review.needsInput.map((n) => [n.trackerId, n.key, n.title, n.status, n.reason]),
  );
  expect(await rows('deferred')).toEqual(
    review.deferredTechnical.map((d) => [
      `#${d.rank}`,
      d.trackerId,
      d.key,
      d.title,
      usd(d.netValueUsd),
      d.inTopSince.slice(0, 10),
      String(d.waitedDays),
    ]),
  );
}

/** The answer the page read is the one the API gives (up to the times it was computed at). */
async function expectApiAnswer(review: Review, trend: Trend, query: string): Promise<void> {
  const get = async <T>(url: string) => {
    const res = await h.inject({ method: 'GET', url, headers: h.admin });
    expect(res.statusCode).toBe(200);
    return res.json<T>();
  };
  const direct = await get<Review>(`/admin/review?${query}`);
  expect({ ...review, at: '', since: '' }).toEqual({ ...direct, at: '', since: '' });
  const trendQuery = new URLSearchParams(query);
  trendQuery.set('since', '90d');
  const directTrend = await get<Trend>(`/admin/review/trend?${trendQuery.toString()}`);
  const withoutNow = (t: Trend) => ({ ...t, points: t.points.slice(0, -1) });
  expect(withoutNow(trend)).toEqual(withoutNow(directTrend));
  expect(trend.points.length).toBe(directTrend.points.length);
}

/** One mark per trend point and series, and the same points in the table. */
async function expectChart(trend: Trend): Promise<void> {
  const ats = trend.points.map((p) => p.at);
  const marks = (type: string) =>
    page
      .locator(`#review-chart .mark.${type}`)
      .evaluateAll((nodes: { getAttribute(n: string): string | null }[]) =>
        nodes.map((n) => n.getAttribute('data-at')),
      );
  expect(await marks('technical')).toEqual(ats);
  expect(await marks('product')).toEqual(ats);
  expect(await page.locator('#review-chart polyline').count()).toBe(2);
  await expect(page.locator('#review-chart').getAttribute('aria-label')).resolves.toMatch(
    new RegExp(`^Share of the top ${trend.top} by net value over time, ${ats.length} points `),
  );
  expect(await cells('#review-trend-table tbody tr')).toEqual(
    trend.points.map((p) => [
      `${p.at.slice(0, 16).replace('T', ' ')} UTC`,
      `${p.technical.sharePct}%`,
      `${p.product.sharePct}%`,
      String(p.technical.count),
      String(p.product.count),
    ]),
  );
}

describe('the Review view', () => {
  it('shows the figures of GET /admin/review and a chart of the share over time', async () => {
    await openDashboard();
    const [review, trend] = await openReview();
    expect(page.url()).toBe(`${h.baseUrl}/#review`);
    // The snapshots make every part of the review non-empty, so each comparison means something.
    expect(review.baselineAt).not.toBeNull();
    expect(review.trackers.map((t) => t.trackerId)).toEqual(['acme-jira', 'acme-linear']);
    expect(review.movers.length).toBeGreaterThan(0);
    expect(review.entered.length).toBe(2);
    expect(review.left).toEqual([
      { trackerId: 'acme-jira', key: 'GONE-1' },
      { trackerId: 'acme-linear', key: 'GONE-2' },
    ]);
    expect(review.needsInput.length).toBeGreaterThan(0);
    expect(review.deferredTechnical.length).toBeGreaterThan(0);
    expect(review.deferredTechnical[0]?.waitedDays).toBeGreaterThanOrEqual(10);
    expect(trend.points.length).toBeGreaterThanOrEqual(4);
    await expectApiAnswer(review, trend, 'since=7d&top=20');
    await expectFigures(review);
    await expectChart(trend);
    await screenshot(page, 'review');
    await page.locator('#review-trend').scrollIntoViewIfNeeded();
    await screenshot(page, 'review-chart');
    await page.locator('#review-deferred').scrollIntoViewIfNeeded();
    await screenshot(page, 'review-lists');
    expect(problems.all).toEqual([]);
  });

  it('reloads when since (from the keyboard), top and tracker change', async () => {
    await openDashboard();
    const [first] = await openReview();
    await page.locator('#review-since').focus();
    const [since30, trend30] = await reload('since=30d&top=20', () =>
      page.keyboard.press('ArrowDown'),
    );
    expect(since30.baselineAt).not.toBe(first.baselineAt);
    expect(since30.overall.technical.before?.count).toBe(0);
    await expectApiAnswer(since30, trend30, 'since=30d&top=20');
    await expectFigures(since30);

    const [top5, trend5] = await reload('since=30d&top=5', async () => {
      await page.locator('#review-top').fill('5');
      await page.locator('#review-top').press('Enter');
    });
    expect(top5.top).toBe(5);
    expect(trend5.top).toBe(5);
    await expectApiAnswer(top5, trend5, 'since=30d&top=5');
    await expectFigures(top5);
    await expectChart(trend5);
    await expect(page.locator('#review-shares h3').first().textContent()).resolves.toBe(
      'Share of the top 5',
    );

    const query = 'since=30d&top=5&trackerId=acme-linear';
    const [linear, trendLinear] = await reload(query, async () => {
      await page.locator('#review-tracker').selectOption('acme-linear');
    });
    expect(linear.trackers.map((t) => t.trackerId)).toEqual(['acme-linear']);
    await expectApiAnswer(linear, trendLinear, query);
    await expectFigures(linear);
    await expectChart(trendLinear);
    expect(problems.all).toEqual([]);
  });

  it('shows the reason of a refused top, and no stale figures', async () => {
    await openDashboard();
    await openReview();
    await page.locator('#review-top').fill('500');
    await page.locator('#review-top').press('Tab');
    await page
      .locator('#review-results[aria-busy="false"][data-query="since=7d&top=500"]')
      .waitFor({ state: 'attached' });
    await expect(page.locator('#review-message').textContent()).resolves.toBe(
      'query.top: must be at most 100',
    );
    await expect(page.locator('#review-message').getAttribute('class')).resolves.toBe(
      'message error',
    );
    expect(await page.locator('#review-results').isHidden()).toBe(true);
    // The browser itself logs the refused request; nothing else may go wrong.
    expect(problems.unexpected([/status of 400/])).toEqual([]);
  });

  it('is usable in a 400 px wide window', async () => {
    await openDashboard({ width: 400, height: 800 });
    await openReview();
    const overflow = await inPage<number>(
      page,
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await page.locator('#review-chart').boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    await screenshot(page, 'narrow-review');
    expect(problems.all).toEqual([]);
  });

  it.each(['light', 'dark'] as const)(
    'keeps text readable and every control labelled (%s scheme)',
    async (scheme) => {
      await openDashboard({ width: 1280, height: 900 }, scheme);
      await openReview();
      await page.locator('#review-trend summary').click();
      expect(await inPage<string[]>(page, LOW_CONTRAST(4.5))).toEqual([]);
      expect(await inPage<string[]>(page, UNLABELLED)).toEqual([]);
      expect(problems.all).toEqual([]);
    },
  );
});
