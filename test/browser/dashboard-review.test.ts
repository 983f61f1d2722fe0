/**
 * Review mode in Chromium (issue 14): the Jira tracker is in `writeMode: review`, so a sync sends
 * it nothing and its writes wait in a pending plan. The page lists the plan; approving two
 * selected items sends exactly those two edits to the sandbox; discarding the rest empties the
 * plan, and a later sync still sends nothing else. Zero console errors or CSP violations.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JIRA_FIELDS, syncAll } from '../integration/server-harness.js';
import {
  launchChromium,
  logIn,
  screenshot,
  startServed,
  dataKeys,
  waitForData,
  waitForText,
  watchPage,
  type PageProblems,
  type ServedHarness,
} from './browser-harness.js';

let h: ServedHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

const isEdit = (e: { operation: string }) => e.operation === 'edit';
/** Issue ids (or keys) the Jira sandbox received an edit for, in order. */
const editedIds = () => h.jira.log.entries.filter(isEdit).map((e) => e.path.split('/').pop() ?? '');

beforeAll(async () => {
  [h, browser] = await Promise.all([
    startServed({
      jira: { issues: 10, seed: 1403, includeExamples: true },
      linear: { issues: 6, seed: 1404 },
      jiraTracker: { writeMode: 'review', fields: JIRA_FIELDS },
    }),
    launchChromium(),
  ]);
  await syncAll(h);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  problems = await watchPage(page);
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.close();
});

const plan = () => page.locator('#plans section.plan[data-tracker="acme-jira"]');
const planKeys = async () =>
  (await dataKeys(plan().locator('tbody tr'))).map((k) => k.replace(/^acme-jira\//, ''));

describe('review mode in the dashboard', () => {
  it('lists the pending plan, sends exactly the approved writes, and discards the rest', async () => {
    expect(editedIds()).toEqual([]);
    await logIn(page, h);
    await waitForData(page);
    await page.locator('#nav-plans').click();
    await plan().waitFor();
    const keys = await planKeys();
    expect(keys.length).toBeGreaterThan(3);
    await expect(page.locator('#badge-plans').textContent()).resolves.toBe(String(keys.length));
    expect(await page.locator('#plans section.plan').count()).toBe(1);
    const first = plan().locator('tbody tr').first();
    await expect(first.textContent()).resolves.toMatch(/net value: nothing → \$[\d,]+/);
    await screenshot(page, 'plans');

    const chosen = keys.slice(0, 2);
    for (const key of chosen) {
      await plan()
        .getByRole('checkbox', { name: `Select ${key} (acme-jira)` })
        .check();
    }
    await plan().getByRole('button', { name: 'Approve selected' }).click();
    await waitForText(page, '#plans-message', /approved/);
    await expect(page.locator('#plans-message').textContent()).resolves.toBe(
      `acme-jira: approved 2 items; ${keys.length - 2} remain pending.`,
    );
    expect(await planKeys()).toEqual(keys.slice(2));

    await h.jira.log.waitFor(isEdit, 2);
    const chosenIds = await Promise.all(
      chosen.map(async (key) => (await h.ctx.store.getByKey('acme-jira', key))?.id ?? key),
    );
    expect(editedIds().sort()).toEqual(chosenIds.sort());

    await plan().getByRole('button', { name: 'Discard all' }).click();
    await waitForText(page, '#plans-message', /discarded/);
    await expect(page.locator('#plans-message').textContent()).resolves.toBe(
      `acme-jira: discarded ${keys.length - 2} items; 0 remain pending.`,
    );
    await expect(page.locator('#plans').textContent()).resolves.toBe(
      'No writes are waiting for approval.',
    );
    expect(await page.locator('#badge-plans').isHidden()).toBe(true);

    // A sync runs to completion (its writes included): still nothing beyond the approved two.
    await syncAll(h);
    expect(editedIds().sort()).toEqual(chosenIds.sort());
    expect(problems.all).toEqual([]);
  });

  it('lists an edited issue again, says so when nothing is selected, and sends nothing', async () => {
    const edited = (await h.ctx.store.rankingAll()).find(
      (r) => r.record.trackerId === 'acme-jira' && r.record.result.status === 'scored',
    )?.record;
    if (!edited) throw new Error('no scored Jira issue');
    h.jira.editIssue(edited.key, { value: (Number(edited.inputs.value) || 0) + 1000 });
    await syncAll(h);
    await page.locator('#refresh').click();
    await plan().waitFor();
    expect(await planKeys()).toContain(edited.key);
    const before = editedIds().length;
    await plan().getByRole('button', { name: 'Approve selected' }).click();
    await expect(page.locator('#plans-message').textContent()).resolves.toBe(
      'acme-jira: select at least one item first.',
    );
    expect(editedIds().length).toBe(before);
    expect(problems.all).toEqual([]);
  });
});
