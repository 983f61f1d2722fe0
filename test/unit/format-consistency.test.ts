/**
 * The CLI and the dashboard show the same numbers and words (issue 16, item 11): the dashboard's
 * browser code is run here against the CLI's functions on a table of values. Also: the sync
 * progress bar never shares a line with a log line, and when it is drawn at all.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { needInputText, ProgressLine, statusText } from '../../src/cli/output.js';
import { syncOutput } from '../../src/cli/sync.js';
import { formatUsd } from '../../src/scoring/format.js';
import { CLIENT_WORDS } from '../../src/server/dashboard/client-core.js';
import { DASHBOARD_HTML } from '../../src/server/dashboard/page.js';

const dashboard = vm.runInNewContext(`${CLIENT_WORDS}; ({ money, needInput, statusText })`) as {
  money(usd: number | null): string;
  needInput(unscored: number, invalid: number): string;
  statusText(status: string, reason: string): string;
};

describe('the dashboard and the CLI agree', () => {
  const amounts = [
    0,
    5000,
    -450,
    212.5,
    6000.5,
    6212.5,
    1234567.4,
    0.5,
    -0.4,
    1.005,
    99.999,
    3000.004,
    -1750.25,
    1e9 + 0.01,
    12.3456,
  ];

  it.each(amounts)('on money: %s', (usd) => {
    expect(dashboard.money(usd)).toBe(formatUsd(usd));
  });

  it('shows cents only when an amount is not whole dollars', () => {
    expect([6212.5, 212.5, 6000.5, 5000, -450].map((n) => dashboard.money(n))).toEqual([
      '$6,212.50',
      '$212.50',
      '$6,000.50',
      '$5,000',
      '-$450',
    ]);
    expect(dashboard.money(null)).toBe('\u2014');
  });

  it('on "need input": unscored plus invalid, with both counts', () => {
    for (const [u, i] of [
      [0, 0],
      [15, 5],
      [1, 0],
      [0, 3],
    ] as const) {
      expect(dashboard.needInput(u, i)).toBe(needInputText(u, i));
    }
    expect(needInputText(15, 5)).toBe('20 need input (15 unscored, 5 invalid)');
  });

  it('on an issue status', () => {
    for (const [status, reason] of [
      ['scored', ''],
      ['unscored', 'Value is missing'],
      ['invalid', 'Cost "abc" is not a number'],
    ] as const) {
      expect(dashboard.statusText(status, reason)).toBe(statusText(status, reason));
    }
  });

  it('the status filter names unscored and invalid, each as needing input', () => {
    const select = /<select id="filter-status">([\s\S]*?)<\/select>/.exec(DASHBOARD_HTML)?.[1];
    const options = [...(select ?? '').matchAll(/<option value="(\w+)">([^<]*)<\/option>/g)].map(
      (m) => [m[1], m[2]],
    );
    expect(options).toEqual([
      ['scored', 'scored'],
      ['unscored', 'unscored (needs input: an input is missing)'],
      ['invalid', 'invalid (needs input: an input cannot be read)'],
    ]);
    // The old wording called only unscored issues "needs input".
    expect(DASHBOARD_HTML).not.toMatch(/'needs input: ' \+/);
  });
});

describe('the sync progress bar', () => {
  const capture = () => {
    let text = '';
    return {
      out: { write: (s: string | Uint8Array) => ((text += String(s)), true) },
      text: () => text,
    };
  };

  it('moves a log line above the bar and draws the bar again below it', async () => {
    const sink = capture();
    const line = new ProgressLine(sink.out);
    const logs = line.logStream();
    const log = (s: string) =>
      new Promise<void>((resolve, reject) =>
        logs.write(s, (err) => (err ? reject(err) : resolve())),
      );
    await log('{"level":30,"msg":"before"}\n');
    line.draw('[##..] pulled 2');
    await log('{"level":40,"msg":"slow"}\n');
    line.draw('[####] pulled 4');
    line.end();
    await log('{"level":30,"msg":"after"}\n');
    // What a terminal shows: \r returns to the line start, ESC[K clears it.
    const screen = sink
      .text()
      .split('\n')
      .map((l) => l.split('\r').at(-1)?.replace('\x1b[K', '') ?? '');
    expect(screen).toEqual([
      '{"level":30,"msg":"before"}',
      '{"level":40,"msg":"slow"}',
      '[####] pulled 4',
      '{"level":30,"msg":"after"}',
      '',
    ]);
    // A log line always starts on a cleared line: never right after the bar's text.
    expect(sink.text()).not.toMatch(/\]\s*pulled \d+\{/);
    expect(sink.text()).toContain('\r\x1b[K{"level":40');
  });

  it('is drawn only on a terminal, with the log at warn unless more is asked for', () => {
    const on = (o: Partial<Parameters<typeof syncOutput>[0]>) =>
      syncOutput({ isTty: true, json: false, logLevel: 'info', ...o });
    expect(on({ isTty: false })).toEqual({ bar: false, logLevel: 'info' });
    expect(on({ json: true })).toEqual({ bar: false, logLevel: 'info' });
    expect(on({})).toEqual({ bar: true, logLevel: 'warn' });
    expect(on({ logLevel: 'error' })).toEqual({ bar: true, logLevel: 'error' });
    expect(on({ logLevel: 'debug' })).toEqual({ bar: false, logLevel: 'debug' });
    expect(on({ envLevel: 'info' })).toEqual({ bar: false, logLevel: 'info' });
    expect(on({ envLevel: 'error' })).toEqual({ bar: true, logLevel: 'error' });
    expect(on({ envLevel: '' })).toEqual({ bar: true, logLevel: 'warn' });
    expect(on({ isTty: false, envLevel: 'debug' })).toEqual({ bar: false, logLevel: 'debug' });
    expect(() => on({ envLevel: 'loud' })).toThrow(/NETVALUE_LOG_LEVEL must be one of/);
  });
});
