/**
 * The dashboard in a real browser: Debian's Chromium (/usr/bin/chromium, never a downloaded
 * build) driven by playwright-core, against a deployment served on a real port (the server
 * harness: both sandboxes, Redis, workers). Every page records its console errors, uncaught
 * errors and CSP violations, so a test can require that there were none.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startServerHarness, type ServerHarness } from '../integration/server-harness.js';
import type { HarnessOptions } from '../integration/pipeline-harness.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Screenshots of each run (ignored by git); the README's one is written to docs/img. */
export const ARTIFACTS = 'test-artifacts';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ServedHarness extends ServerHarness {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
}

/** A deployment whose server listens on a free loopback port. */
export async function startServed(options: HarnessOptions): Promise<ServedHarness> {
  const h = await startServerHarness(options);
  const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
  return Object.assign(h, { baseUrl: address });
}

export interface PageProblems {
  /** Console errors, uncaught exceptions and CSP violations, in order. */
  all: string[];
  /** Those not matching an expected pattern (e.g. the 401 of a refused token). */
  unexpected(allowed?: readonly RegExp[]): string[];
}

/** Records what went wrong on a page from now on. */
export async function watchPage(page: Page): Promise<PageProblems> {
  const all: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') all.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => all.push(`pageerror: ${error.message}`));
  await page.exposeFunction('reportCspViolation', (text: string) => all.push(`csp: ${text}`));
  // Runs before the page's own code (through the DevTools protocol, which the CSP does not cover).
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(event.violatedDirective + ' blocked ' + event.blockedURI);
    });`,
  });
  return {
    all,
    unexpected: (allowed = []) => all.filter((p) => !allowed.some((re) => re.test(p))),
  };
}

export async function screenshot(page: Page, name: string, path = join(ARTIFACTS, `${name}.png`)) {
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: false });
  return path;
}

/** Opens the dashboard and logs in with the token; resolves once the data is drawn. */
export async function logIn(page: Page, h: ServedHarness, token = h.config.adminToken ?? '') {
  await page.goto(`${h.baseUrl}/`);
  await page.locator('#token').fill(token);
  await page.locator('#login button[type=submit]').click();
}

/** Waits until the ranking count line shows the loaded ranking ("N of N issues"). */
export async function waitForData(page: Page): Promise<void> {
  await page
    .locator('#ranking-count')
    .filter({ hasText: /^\d+ of \d+ issues/ })
    // The ranking view may be hidden (another view is shown): attached is enough.
    .waitFor({ state: 'attached' });
}

/** Waits until the element shows text matching `text` (Playwright's own waiting, no sleep). */
export async function waitForText(page: Page, selector: string, text: RegExp): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).waitFor();
}

/** Evaluates an expression in the page (a string: the tests are not compiled with DOM types). */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  const value: unknown = await page.evaluate(expression);
  return value as T;
}

/** `<tracker>/<key>` of each element a locator matches, from its data attributes, in order. */
export async function dataKeys(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((nodes: { getAttribute(name: string): string | null }[]) =>
    nodes.map((n) => `${n.getAttribute('data-tracker')}/${n.getAttribute('data-key')}`),
  );
}

/**
 * Text whose colour has less than `min`:1 contrast with the background it sits on (WCAG 2
 * relative luminance), as `text (ratio)`. Visible HTML elements with text of their own are
 * checked against the first opaque background up their ancestors; SVG text is left out (chart
 * marks, checked by eye). Runs in the page, so it is a string (the tests have no DOM types).
 */
export const LOW_CONTRAST = (min: number) => `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') || el.getClientRects().length === 0) continue;
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    let fg = lum(rgb(style.color).slice(0, 3));
    const bg = lum(background(el));
    // A disabled control is exempt (WCAG 1.4.3); its opacity is not in the colour.
    if (el.disabled) continue;
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < ${min}) low.push(el.textContent.trim().slice(0, 40) + ' (' + ratio.toFixed(2) + ')');
  }
  return low;
})()`;

/** Form controls (and links) with no accessible name: no label, aria-label or text. */
export const UNLABELLED = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('input, select, button, a, [tabindex="0"]')) {
    if (el.getClientRects().length === 0 || el.type === 'hidden') continue;
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') ||
      el.getAttribute('aria-labelledby') || (el.textContent || '').trim();
    if (!named) out.push(el.outerHTML.slice(0, 80));
  }
  return out;
})()`;
