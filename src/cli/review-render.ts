/**
 * The review as people read it: plain-text tables (the default) or Markdown (`--markdown`, to
 * paste into a wiki or a ticket). Both show the same sections as the JSON (README "Backlog
 * reviews").
 */
import type { Review, Share, Shares } from '../review/schema.js';
import { formatUsd } from '../scoring/format.js';
import { statusText, table, truncate } from './output.js';

interface Section {
  title: string;
  headers: string[];
  rows: string[][];
}

const money = (n: number | null): string => (n === null ? '-' : formatUsd(n));
const pct = (n: number): string => `${n}%`;
const TYPES = ['technical', 'product', 'unclassified'] as const;

function change(share: Share): string {
  if (share.before === null) return '-';
  const pts = Math.round((share.sharePct - share.before.sharePct) * 10) / 10;
  return `${pts > 0 ? '+' : ''}${pts} pts`;
}

function shareRows(shares: Shares): string[][] {
  return TYPES.map((type) => {
    const s = shares[type];
    return [
      type,
      String(s.count),
      pct(s.countPct),
      money(s.netValueUsd),
      pct(s.sharePct),
      s.before === null ? '-' : pct(s.before.sharePct),
      change(s),
    ];
  });
}

function sections(review: Review): Section[] {
  const top = `top ${review.top}`;
  return [
    {
      title: `Share of the ${top}`,
      headers: ['work type', 'count', 'by count', 'net value', 'by net value', 'before', 'change'],
      rows: shareRows(review.overall),
    },
    {
      title: `Each tracker's ${top} (share by net value)`,
      headers: ['tracker', ...TYPES],
      rows: review.trackers.map((t) => [
        t.trackerId,
        ...TYPES.map((type) => pct(t[type].sharePct)),
      ]),
    },
    {
      title: 'Biggest movers',
      headers: ['tracker', 'key', 'title', 'rank', 'net value', 'why'],
      rows: review.movers.map((m) => [
        m.trackerId,
        m.key,
        truncate(m.title, 40),
        `${m.fromRank ?? 'new'} -> ${m.toRank}`,
        `${money(m.fromNetValueUsd)} -> ${money(m.toNetValueUsd)}`,
        m.why,
      ]),
    },
    {
      title: 'Entered the scope',
      headers: ['tracker', 'key', 'title', 'rank'],
      rows: review.entered.map((e) => [e.trackerId, e.key, truncate(e.title, 48), String(e.rank)]),
    },
    {
      title: 'Left the scope',
      headers: ['tracker', 'key'],
      rows: review.left.map((e) => [e.trackerId, e.key]),
    },
    {
      title: 'Newly needing input',
      headers: ['tracker', 'key', 'title', 'status'],
      rows: review.needsInput.map((n) => [
        n.trackerId,
        n.key,
        truncate(n.title, 40),
        statusText(n.status, n.reason),
      ]),
    },
    {
      title: `Technical work waiting longest in the ${top}`,
      headers: ['rank', 'tracker', 'key', 'title', 'net value', 'in the top since', 'days'],
      rows: review.deferredTechnical.map((d) => [
        String(d.rank),
        d.trackerId,
        d.key,
        truncate(d.title, 40),
        money(d.netValueUsd),
        d.inTopSince.slice(0, 10),
        String(d.waitedDays),
      ]),
    },
  ];
}

function heading(review: Review): string {
  const scope = review.trackerId === null ? 'every tracker' : review.trackerId;
  const base =
    review.baselineAt === null
      ? 'no earlier snapshot to compare with yet'
      : `compared with the ranking of ${review.baselineAt}`;
  return `Backlog review of the top ${review.top} (${scope}) since ${review.since}; ${base}.`;
}

export function reviewText(review: Review): string {
  const parts = sections(review).map(
    (s) => `${s.title}\n${s.rows.length === 0 ? '  (none)' : table(s.headers, s.rows)}`,
  );
  return [heading(review), ...parts].join('\n\n');
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function reviewMarkdown(review: Review): string {
  const parts = sections(review).map((s) => {
    if (s.rows.length === 0) return `## ${s.title}\n\n_none_`;
    const lines = [
      `| ${s.headers.map(cell).join(' | ')} |`,
      `| ${s.headers.map(() => '---').join(' | ')} |`,
      ...s.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ];
    return `## ${s.title}\n\n${lines.join('\n')}`;
  });
  return [`# Backlog review`, heading(review), ...parts].join('\n\n');
}
