/**
 * The dashboard in Chromium against a served deployment on both sandboxes (issue 14): log in with
 * the token, the table lists every issue, the matrix has one point per scored issue and a point
 * opens its issue (by mouse and by keyboard), filters and search, the needs-input worklist, a
 * formula preview that writes nothing, a refused token asks again, a 400 px window; every page
 * has zero console errors and zero CSP violations. Screenshots go to test-artifacts/, and the
 * README's to docs/img/dashboard.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_RANGE_FIELD_NAMES as RANGE } from '../../connectors/jira/sandbox/data.js';
import { formatUsd } from '../../src/scoring/format.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { JIRA_FIELDS, syncAll, waitForRun } from '../integration/server-harness.js';
import { writeCounts } from '../integration/pipeline-harness.js';
import {
  launchChromium,
  logIn,
  screenshot,
  startServed,
  dataKeys,
  waitForData,
  waitForText,
  inPage,
  LOW_CONTRAST,
  UNLABELLED,
  watchPage,
  type PageProblems,
  type ServedHarness,
} from './browser-harness.js';

let h: ServedHarness;
let browser: Browser;
let records: IssueRecord[];
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  [h, browser] = await Promise.all([
    startServed({
      jira: { issues: 24, seed: 1401, includeExamples: true },
      linear: { issues: 22, seed: 1402 },
      jiraTracker: {
        fields: {
          ...JIRA_FIELDS,
          valueLow: RANGE.valueLow,
          valueHigh: RANGE.valueHigh,
          costLow: RANGE.costLow,
          costHigh: RANGE.costHigh,
        },
      },
    }),
    launchChromium(),
  ]);
  await syncAll(h);
  records = (await h.ctx.store.rankingAll()).map((r) => r.record);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A fresh tab (own sessionStorage) at 1280 x 900, logged in, with the data drawn. */
async function openDashboard(viewport = { width: 1280, height: 900 }): Promise<void> {
  context = await browser.newContext({ viewport });
  page = await context.newPage();
  problems = await watchPage(page);
  await logIn(page, h);
  await waitForData(page);
}

afterEach(async () => {
  await context?.close();
});

const scored = () => records.filter((r) => r.result.status === 'scored');
const needInput = () => records.filter((r) => r.result.status !== 'scored');
const rowKeys = (p: Page, selector: string) => dataKeys(p.locator(selector));
const ids = (list: IssueRecord[]) => list.map((r) => `${r.trackerId}/${r.key}`);

describe('dashboard in Chromium', () => {
  it('logs in with the token and lists every issue of both trackers in ranking order', async () => {
    await openDashboard();
    await page.goto(`${h.baseUrl}/#ranking`);
    await waitForData(page);
    expect(records.length).toBeGreaterThan(30);
    expect(records.length).toBeLessThanOrEqual(50);
    expect(new Set(records.map((r) => r.trackerId))).toEqual(new Set(['acme-jira', 'acme-linear']));
    expect(await rowKeys(page, '#ranking-body tr')).toEqual(ids(records));
    await expect(page.locator('#ranking-count').textContent()).resolves.toMatch(
      new RegExp(`^${records.length} of ${records.length} issues`),
    );
    // Ranges are present (Jira range fields), so P10 / P90 / confidence columns are shown.
    const head = await page.locator('#ranking-head th').allTextContents();
    expect(head).toEqual(expect.arrayContaining(['P10 $', 'P90 $', 'Confidence']));
    expect(await inPage(page, 'Object.keys(sessionStorage)')).toEqual(['netvalue.adminToken']);
    expect(await inPage(page, 'Object.keys(localStorage)')).toEqual([]);
    await screenshot(page, 'ranking');
    expect(problems.all).toEqual([]);
  });

  it('draws one matrix point per scored issue, coloured by tracker, with whiskers for ranges', async () => {
    await openDashboard();
    const points = page.locator('#matrix .point');
    expect(await rowKeys(page, '#matrix .point')).toEqual(expect.arrayContaining(ids(scored())));
    expect(await points.count()).toBe(scored().length);
    const linear = await page.locator('#matrix .point.tracker-1').count();
    expect(linear).toBe(scored().filter((r) => r.trackerId === 'acme-linear').length);
    const ranged = scored().filter(
      (r) => r.result.netValueLowUsd !== r.result.netValueHighUsd,
    ).length;
    expect(ranged).toBeGreaterThan(0);
    expect(await page.locator('#matrix .whisker').count()).toBeGreaterThanOrEqual(ranged);
    await expect(page.locator('#matrix text.quadrant').allTextContents()).resolves.toEqual([
      'Quick wins',
      'Big bets',
      'Fill-ins',
      'Money pits',
    ]);
    expect(await page.locator('#matrix .break-even').count()).toBe(1);
    await screenshot(page, 'overview');
    await screenshot(page, 'dashboard');
    // The README's picture, refreshed on demand (it is committed; a test run leaves it alone).
    if (process.env['UPDATE_SCREENSHOTS'] === '1') {
      await screenshot(page, 'dashboard', 'docs/img/dashboard.png');
    }
    expect(problems.all).toEqual([]);
  });

  it('names a point on hover and opens its issue on click, without raw rank values', async () => {
    await openDashboard();
    const target = scored().find((r) => r.trackerId === 'acme-jira' && typeof r.rank === 'string');
    if (!target) throw new Error('no scored Jira issue with a rank');
    const point = page.locator(
      `#matrix .point[data-key="${target.key}"][data-tracker="acme-jira"]`,
    );
    await point.hover();
    await expect(page.locator('#matrix-info').textContent()).resolves.toContain(
      `${target.key}: ${target.title}`,
    );
    await point.click();
    await waitForText(page, '#title-issue', new RegExp(`^${target.key}: `));
    expect(page.url()).toBe(`${h.baseUrl}/#issue/acme-jira/${target.key}`);
    await page.locator('#issue .trail li').first().waitFor();
    const text = (await page.locator('#view-issue').textContent()) ?? '';
    expect(text).toContain(target.result.explanation);
    const net = formatUsd(target.result.netValueUsd ?? NaN);
    expect(text).toMatch(new RegExp(`First seen: net value \\${net}, rank #\\d+ after a sync`));
    expect(text).toContain(`Wrote net value ${net}`);
    expect(text).not.toContain(String(target.rank));
    expect(await page.locator('#issue svg.spark').count()).toBe(2);
    await screenshot(page, 'issue');
    expect(problems.all).toEqual([]);
  });

  it('opens a point from the keyboard: focusable, labelled, Enter opens it', async () => {
    await openDashboard();
    const target = scored().find((r) => r.trackerId === 'acme-linear');
    if (!target) throw new Error('no scored Linear issue');
    const point = page.locator(
      `#matrix .point[data-key="${target.key}"][data-tracker="acme-linear"]`,
    );
    await expect(point.getAttribute('aria-label')).resolves.toContain(
      `${target.key}: ${target.title}`,
    );
    await expect(point.getAttribute('tabindex')).resolves.toBe('0');
    await point.focus();
    await page.keyboard.press('Enter');
    await waitForText(page, '#title-issue', new RegExp(`^${target.key}: `));
    // Focus moves to the view's heading.
    expect(await inPage(page, 'document.activeElement.id')).toBe('title-issue');
    expect(problems.all).toEqual([]);
  });

  it('filters by tracker and status and searches by key or title', async () => {
    await openDashboard();
    await page.locator('#nav-ranking').click();
    await page.locator('#filter-tracker').selectOption('acme-linear');
    const linear = records.filter((r) => r.trackerId === 'acme-linear');
    expect(await rowKeys(page, '#ranking-body tr')).toEqual(ids(linear));
    await page.locator('#filter-tracker').selectOption('');
    await page.locator('#filter-status').selectOption('scored');
    expect(await rowKeys(page, '#ranking-body tr')).toEqual(ids(scored()));
    await page.locator('#filter-status').selectOption('');
    const wanted = records[records.length - 1];
    if (!wanted) throw new Error('empty ranking');
    await page.locator('#search').fill(wanted.key.toLowerCase());
    const byKey = records.filter((r) =>
      `${r.key} ${r.title} ${r.trackerId}`.toLowerCase().includes(wanted.key.toLowerCase()),
    );
    expect(await rowKeys(page, '#ranking-body tr')).toEqual(ids(byKey));
    const word = wanted.title.split(' ').slice(-1)[0] ?? '';
    await page.locator('#search').fill(word);
    const byWord = records.filter((r) =>
      `${r.key} ${r.title} ${r.trackerId}`.toLowerCase().includes(word.toLowerCase()),
    );
    expect(byWord.length).toBeGreaterThan(0);
    expect(await rowKeys(page, '#ranking-body tr')).toEqual(ids(byWord));
    await page.locator('#search').fill('no issue has this title');
    await expect(page.locator('#ranking-body').textContent()).resolves.toBe('No issues match.');
    expect(problems.all).toEqual([]);
  });

  it('lists every issue that needs input with what is missing and a link to its tracker', async () => {
    await openDashboard();
    await page.locator('#nav-needs-input').click();
    const needs = needInput();
    expect(needs.length).toBeGreaterThan(0);
    expect(await rowKeys(page, '#needs-body tr')).toEqual(ids(needs));
    for (const r of needs) {
      const row = page.locator(
        `#needs-body tr[data-key="${r.key}"][data-tracker="${r.trackerId}"]`,
      );
      await expect(row.locator('td').nth(4).textContent()).resolves.toBe(r.result.reason);
      await expect(row.locator('td').nth(1).locator('a').getAttribute('href')).resolves.toBe(r.url);
    }
    await expect(page.locator('#badge-needs-input').textContent()).resolves.toBe(
      String(needs.length),
    );
    expect(problems.all).toEqual([]);
  });

  it('previews a formula change and writes nothing', async () => {
    await openDashboard();
    const before = writeCounts(h);
    await page.locator('#nav-preview').click();
    await page.locator('#preview-horizonMonths').fill('3');
    await page.locator('#preview button[type=submit]').click();
    await waitForText(page, '#preview-message', /^Preview only/);
    await expect(page.locator('#preview-message').textContent()).resolves.toContain('horizon 3 mo');
    expect(await page.locator('#preview-results tbody tr').count()).toBeGreaterThan(0);
    expect(writeCounts(h)).toEqual(before);
    await screenshot(page, 'preview');
    expect(problems.all).toEqual([]);
  });

  it('shows the sync status of each tracker and the backlog trend', async () => {
    await openDashboard();
    const cards = page.locator('#trackers .card');
    await expect(cards.locator('h3').allTextContents()).resolves.toEqual([
      expect.stringContaining('acme-jira'),
      expect.stringContaining('acme-linear'),
    ]);
    await expect(cards.first().textContent()).resolves.toMatch(/Last full sync .*pulled/);
    const trend = page.locator('#trend svg');
    expect(await trend.count()).toBe(2);
    await expect(trend.first().getAttribute('aria-label')).resolves.toMatch(
      /^Sum of positive net value: \d+ points?/,
    );

    await page.getByRole('button', { name: 'Retry failed jobs' }).click();
    await waitForText(page, '#retry-message', /^Retried/);
    await expect(page.locator('#retry-message').textContent()).resolves.toBe(
      'Retried 0 failed jobs; 0 issues still have a failed write.',
    );
    const before = (await h.ctx.runs.latestRuns())['acme-linear'];
    // The run id comes back in the answer; the run's record is written once a worker starts it.
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/admin/sync') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Sync acme-linear' }).click();
    const { jobs } = (await (await answered).json()) as {
      jobs: { trackerId: string; runId: string }[];
    };
    await waitForText(page, '#sync-message', /^Sync queued/);
    await expect(page.locator('#sync-message').textContent()).resolves.toBe(
      'Sync queued: acme-linear. Progress shows under Overview.',
    );
    expect(jobs.map((j) => j.trackerId)).toEqual(['acme-linear']);
    const queued = jobs[0]?.runId ?? '';
    expect(queued).not.toBe(before);
    await waitForRun(h.ctx, queued);
    expect((await h.ctx.runs.latestRuns())['acme-linear']).toBe(queued);
    expect(problems.all).toEqual([]);
  });

  it('shows a progress bar while a sync runs, and reloads every view when it ends', async () => {
    await openDashboard();
    const card = page.locator('#trackers .card').filter({ hasText: 'acme-jira' });
    // Every Jira answer waits 3 s, so the run is still going when the page next reads the status.
    h.jira.faults.setLatency(3000);
    try {
      await card.getByRole('button', { name: 'Sync acme-jira' }).click();
      await card.locator('progress').waitFor();
      await expect(card.textContent()).resolves.toMatch(
        /sync running since .*Progress: \d+ of \d+/,
      );
      await expect(card.locator('.flag').first().textContent()).resolves.toBe('syncing');
    } finally {
      h.jira.faults.setLatency(0);
    }
    await card.locator('progress').waitFor({ state: 'detached' });
    await expect(card.textContent()).resolves.toMatch(/Last sync .*pulled/);
    const runId = (await h.ctx.runs.latestRuns())['acme-jira'] ?? '';
    expect((await waitForRun(h.ctx, runId)).status).toBe('done');
    expect(problems.all).toEqual([]);
  });

  it('asks again for a refused token, and keeps it only in sessionStorage', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = await watchPage(page);
    await logIn(page, h, 'not-the-admin-token');
    await waitForText(page, '#login-message', /refused/);
    await expect(page.locator('#login-message').textContent()).resolves.toBe(
      'The admin token was refused (the bearer token does not match adminToken). Enter it again.',
    );
    expect(await inPage(page, 'sessionStorage.length')).toBe(0);
    await page.locator('#token').fill(h.config.adminToken ?? '');
    await page.locator('#login button[type=submit]').click();
    await waitForData(page);
    expect(await page.locator('#login').isHidden()).toBe(true);
    // The browser itself logs the refused request; nothing else may go wrong.
    expect(problems.unexpected([/status of 401/])).toEqual([]);
  });

  it('refuses inline code (the CSP), and the watcher reports each violation', async () => {
    await openDashboard();
    expect(problems.all).toEqual([]);
    // Resolves once the page has seen both refusals (the watcher's listener runs first).
    const injected = await inPage<unknown>(
      page,
      `new Promise((resolve) => {
        let refused = 0;
        document.addEventListener('securitypolicyviolation', () => {
          refused += 1;
          if (refused === 2) resolve(window.injected === true);
        });
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
        document.body.setAttribute('style', 'background: red');
      })`,
    );
    expect(injected).toBe(false);
    expect(problems.all.filter((p) => p.startsWith('csp: '))).toEqual([
      'csp: script-src-elem blocked inline',
      'csp: style-src-attr blocked inline',
    ]);
    // Chromium also logs each refusal as a console error: either alone would fail a test.
    expect(problems.all.filter((p) => p.startsWith('console: '))).toEqual([
      expect.stringMatching(/^console: Executing inline script violates .*script-src 'self'/),
      expect.stringMatching(/^console: Applying inline style violates .*style-src 'self'/),
    ]);
  });

  it.each(['light', 'dark'] as const)(
    'keeps text readable and every control labelled in every view (%s scheme)',
    async (colorScheme) => {
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      page = await context.newPage();
      problems = await watchPage(page);
      await logIn(page, h);
      await waitForData(page);
      for (const view of ['overview', 'ranking', 'needs-input', 'plans', 'preview']) {
        await page.locator(`#nav-${view}`).click();
        expect([view, await inPage<string[]>(page, LOW_CONTRAST(4.5))]).toEqual([view, []]);
        expect([view, await inPage<string[]>(page, UNLABELLED)]).toEqual([view, []]);
      }
      await page.locator('#nav-overview').click();
      await page.locator('#matrix .point').first().click();
      await page.locator('#issue .trail li').first().waitFor();
      expect(await inPage<string[]>(page, LOW_CONTRAST(4.5))).toEqual([]);
      expect(problems.all).toEqual([]);
    },
  );

  it('is usable in a 400 px wide window', async () => {
    await openDashboard({ width: 400, height: 800 });
    const overflow = () =>
      inPage<number>(page, 'document.documentElement.scrollWidth - window.innerWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'narrow-overview');
    await page.locator('#nav-ranking').click();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'narrow-ranking');
    expect(problems.all).toEqual([]);
  });
});
