/**
 * JQL for pulls: the configured query alone (full), or restricted to recently updated issues
 * (incremental), always keeping the configured ORDER BY at the end.
 */

/**
 * Incremental pulls look this far before the watermark. Jira's search index lags writes by
 * seconds (sometimes more), the JQL date has minute precision, and our clock and Jira's differ;
 * re-reading five minutes of issues is cheap, and unchanged issues produce no writes.
 */
export const INCREMENTAL_OVERLAP_MS = 5 * 60_000;

export interface SplitJql {
  /** The restriction, without ORDER BY (may be empty). */
  where: string;
  /** The ORDER BY clause including the keywords, or null. */
  orderBy: string | null;
}

/** Index of the top-level `ORDER BY`, skipping quoted strings (`summary ~ "order by"`). */
function orderByIndex(jql: string): number {
  let quote: string | null = null;
  for (let i = 0; i < jql.length; i++) {
    const ch = jql[i] as string;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    const before = i === 0 ? ' ' : (jql[i - 1] as string);
    if (/[\s)]/.test(before) && /^order\s+by\b/i.test(jql.slice(i))) return i;
  }
  return -1;
}

export function splitOrderBy(jql: string): SplitJql {
  const at = orderByIndex(jql);
  if (at < 0) return { where: jql.trim(), orderBy: null };
  return { where: jql.slice(0, at).trim(), orderBy: jql.slice(at).trim() };
}

/**
 * `yyyy-MM-dd HH:mm` in the given IANA zone. Jira reads JQL dates in the searching user's
 * profile time zone (GET /myself `timeZone`), not UTC.
 */
export function formatJqlDate(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** A usable IANA zone, else UTC (an account without a zone, or one Node does not know). */
export function safeTimeZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

function withRestriction(jql: string, restriction: string): string {
  const { where, orderBy } = splitOrderBy(jql);
  const combined = where === '' ? restriction : `(${where}) AND ${restriction}`;
  return orderBy === null ? combined : `${combined} ${orderBy}`;
}

/** The JQL of a pull: full when `sinceIso` is null, else updated since the watermark - overlap. */
export function pullJql(jql: string, sinceIso: string | null, timeZone: string): string {
  if (sinceIso === null) return jql.trim();
  const sinceMs = Date.parse(sinceIso);
  if (!Number.isFinite(sinceMs)) throw new RangeError(`sinceIso is not a date: ${sinceIso}`);
  const from = formatJqlDate(sinceMs - INCREMENTAL_OVERLAP_MS, timeZone);
  return withRestriction(jql, `updated >= "${from}"`);
}

/**
 * The JQL of an incremental pull's leavers: issues updated since the watermark (less the overlap)
 * that no longer match the configured restriction. Null for a full pull, or when the JQL restricts
 * nothing (every issue is in scope, none can leave). Unordered: only ids are read.
 */
export function leaversJql(jql: string, sinceIso: string | null, timeZone: string): string | null {
  if (sinceIso === null) return null;
  const { where } = splitOrderBy(jql);
  if (where === '') return null;
  const sinceMs = Date.parse(sinceIso);
  if (!Number.isFinite(sinceMs)) throw new RangeError(`sinceIso is not a date: ${sinceIso}`);
  const from = formatJqlDate(sinceMs - INCREMENTAL_OVERLAP_MS, timeZone);
  return `updated >= "${from}" AND NOT (${where})`;
}

/** The JQL that finds several issues by id (digits only), each only while it is in scope. */
export function someIssuesJql(jql: string, ids: readonly string[]): string {
  if (ids.length === 0) throw new RangeError('no issue ids to read');
  const bad = ids.find((id) => !/^\d+$/.test(id));
  if (bad !== undefined) throw new RangeError(`not a Jira issue id: ${bad}`);
  return withRestriction(jql, `id in (${ids.join(', ')})`);
}

/** The JQL that finds one issue only while it is in scope. */
export function oneIssueJql(jql: string, idOrKey: string): string {
  if (/^\d+$/.test(idOrKey)) return withRestriction(jql, `id = ${idOrKey}`);
  if (/^[A-Z][A-Z0-9_]*-\d+$/i.test(idOrKey)) return withRestriction(jql, `key = ${idOrKey}`);
  throw new RangeError(`not a Jira issue id or key: ${idOrKey}`);
}

/** The configured scope in board order (`ORDER BY Rank ASC`), whatever order the JQL asks for. */
export function rankOrderJql(jql: string): string {
  const { where } = splitOrderBy(jql);
  return where === '' ? 'ORDER BY Rank ASC' : `${where} ORDER BY Rank ASC`;
}
