/**
 * An issue's story in words for the dashboard (`GET /admin/issues/:trackerId/:key/trail`): its
 * score history ("Net value $2,000 to $3,000 after a webhook") and the writes to its tracker
 * ("Moved above APP-9 on the board"), newest first, plus the series its sparkline draws.
 * A tracker's own rank values (Jira LexoRank strings, Linear sort keys) are never shown: a move
 * is told by its neighbour, or as a move in the tracker's order. Pure.
 */
import { formatNumber, formatUsd } from '../../scoring/format.js';
import type { AuditEntry } from '../../store/audit.js';
import type { HistoryChange, HistoryEntry } from '../../store/history.js';

export interface TrailLine {
  at: string;
  /** `score`: netvalue's own figures changed; `write`: a value was written to the tracker. */
  source: 'score' | 'write';
  text: string;
  why: string;
}

export interface SeriesPoint {
  at: string;
  netValueUsd: number | null;
  rank: number | null;
}

/** Resolves a tracker issue id to its key (null when the issue is not stored). */
export type KeyOf = (issueId: string) => string | null;

const INPUT_LABELS: Record<string, string> = {
  value: 'Value',
  valueLow: 'Value low',
  valueHigh: 'Value high',
  valueImpact: 'Value impact',
  cost: 'Cost',
  costLow: 'Cost low',
  costHigh: 'Cost high',
  costUnit: 'Cost unit',
};

const RISK_LABELS: Record<string, string> = {
  netValueLowUsd: 'P10',
  netValueHighUsd: 'P90',
  confidencePct: 'confidence',
};

const LINEAR_PRIORITY = ['no priority', 'urgent', 'high', 'medium', 'low'];

function raw(v: HistoryChange['from']): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

function usd(v: HistoryChange['from']): string {
  return typeof v === 'number' ? formatUsd(v) : raw(v);
}

function fromTo(label: string, c: HistoryChange, show: (v: HistoryChange['from']) => string) {
  if (c.from === null) return `${label} ${show(c.to)}`;
  if (c.to === null) return `${label} cleared (was ${show(c.from)})`;
  return `${label} ${show(c.from)} to ${show(c.to)}`;
}

const pct = (v: HistoryChange['from']) => (typeof v === 'number' ? `${v}%` : raw(v));

function historyPart(c: HistoryChange, pointRisk: boolean): string | null {
  const input = INPUT_LABELS[c.field];
  if (input !== undefined) return fromTo(`${input} input`, c, raw);
  switch (c.field) {
    case 'status':
      if (c.to === 'scored') return c.from === null ? null : 'scored again';
      return `needs input (${raw(c.to)})`;
    case 'netValueUsd':
      return fromTo('net value', c, usd);
    case 'rank':
      if (c.from === null) return c.to === null ? null : `entered the ranking at #${raw(c.to)}`;
      if (c.to === null) return `left the ranking (was #${raw(c.from)})`;
      return `rank #${raw(c.from)} to #${raw(c.to)}`;
    default: {
      const risk = RISK_LABELS[c.field];
      if (risk === undefined || pointRisk) return null;
      return fromTo(risk, c, c.field === 'confidencePct' ? pct : usd);
    }
  }
}

function after(why: string): string {
  if (why === 'sync' || why === 'webhook') return `after a ${why}`;
  if (why === 'settings change') return 'after a settings change';
  return `(${why})`;
}

function sentence(parts: string[], tail: string): string {
  const text = `${parts.join(', ')} ${tail}`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An issue's first entry: every input and figure appears at once; say where it starts. */
function firstLine(entry: HistoryEntry): TrailLine {
  const parts = entry.changes.flatMap((c) => {
    if (c.field === 'status' && c.to !== 'scored') return [`needs input (${raw(c.to)})`];
    if (c.field === 'netValueUsd' && c.to !== null) return [`net value ${usd(c.to)}`];
    if (c.field === 'rank' && c.to !== null) return [`rank #${raw(c.to)}`];
    return [];
  });
  const text = `First seen${parts.length > 0 ? `: ${parts.join(', ')}` : ''} ${after(entry.why)}`;
  return { at: entry.at, source: 'score', text, why: entry.why };
}

/** One score-history entry in words. */
export function historyLine(entry: HistoryEntry): TrailLine {
  const net = entry.changes.find((c) => c.field === 'netValueUsd');
  const low = entry.changes.find((c) => c.field === 'netValueLowUsd');
  // Point inputs: P10 = P90 = the net value, so the risk figures would repeat it.
  const pointRisk = low === undefined || (net !== undefined && low.to === net.to);
  if (entry.changes.some((c) => c.field === 'status' && c.from === null)) return firstLine(entry);
  const parts = entry.changes
    .map((c) => historyPart(c, pointRisk))
    .filter((p): p is string => p !== null);
  const text = sentence(parts.length > 0 ? parts : ['scored again'], after(entry.why));
  return { at: entry.at, source: 'score', text, why: entry.why };
}

function number(text: string): number | null {
  if (text === '' || text === 'null') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function wrote(label: string, e: AuditEntry, show: (n: number) => string): string {
  const to = number(e.to);
  const from = number(e.from);
  if (to === null) return `Cleared the ${label}${from === null ? '' : ` (was ${show(from)})`}`;
  return `Wrote ${label} ${show(to)}${from === null ? '' : ` (was ${show(from)})`}`;
}

function priorityName(n: number): string {
  return LINEAR_PRIORITY[n] ?? String(n);
}

/** One write to the tracker in words (never its raw rank values). */
export function auditText(e: AuditEntry, keyOf: KeyOf): string {
  switch (e.field) {
    case 'rank': {
      const m = /^(before|after) (.+)$/.exec(e.to);
      const neighbour = m?.[2] === undefined ? null : keyOf(m[2]);
      if (!m || neighbour === null) return "Moved in the tracker's order";
      return `Moved ${m[1] === 'before' ? 'above' : 'below'} ${neighbour} on the board`;
    }
    case 'sortKey':
      return "Moved in the tracker's priority order";
    case 'netValueUsd':
      return wrote('net value', e, formatUsd);
    case 'netValueLowUsd':
      return wrote('P10', e, formatUsd);
    case 'netValueHighUsd':
      return wrote('P90', e, formatUsd);
    case 'confidencePct':
      return wrote('confidence', e, (n) => `${n}%`);
    case 'rankPosition':
      return wrote('rank position', e, (n) => `#${formatNumber(n)}`);
    case 'priority':
      return wrote('priority', e, priorityName);
    case 'note':
      return e.to === '' ? 'Removed the note on the issue' : 'Updated the note on the issue';
    default:
      return `Updated ${e.field}`;
  }
}

/** Issue ids an audit trail names as rank neighbours (to resolve to keys). */
export function neighbourIds(audit: readonly AuditEntry[]): string[] {
  const ids = audit.flatMap((e) => {
    const m = e.field === 'rank' ? /^(?:before|after) (.+)$/.exec(e.to) : null;
    return m?.[1] === undefined ? [] : [m[1]];
  });
  return [...new Set(ids)];
}

/** Score history and writes merged, newest first. */
export function issueTrail(
  history: readonly HistoryEntry[],
  audit: readonly AuditEntry[],
  keyOf: KeyOf,
): TrailLine[] {
  const lines = [
    ...history.map(historyLine),
    ...audit.map((e): TrailLine => ({
      at: e.at,
      source: 'write',
      text: auditText(e, keyOf),
      why: e.why,
    })),
  ];
  return lines.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/**
 * Net value and unified rank after each history entry, oldest first (history is newest first).
 * A field an entry does not change keeps its previous value.
 */
export function issueSeries(history: readonly HistoryEntry[]): SeriesPoint[] {
  let netValueUsd: number | null = null;
  let rank: number | null = null;
  const points: SeriesPoint[] = [];
  for (const entry of [...history].reverse()) {
    for (const c of entry.changes) {
      if (c.field === 'netValueUsd') netValueUsd = typeof c.to === 'number' ? c.to : null;
      if (c.field === 'rank') rank = typeof c.to === 'number' ? c.to : null;
    }
    points.push({ at: entry.at, netValueUsd, rank });
  }
  return points;
}
