/**
 * The subset of Linear's filter language the sandbox schema declares: comparators (eq, neq, in,
 * nin, startsWith; gt/gte/lt/lte on dates, ISO times or ISO-8601 durations such as `-P1D`) and
 * IssueFilter / TeamFilter / IssueLabelFilter / AttachmentFilter with `and` / `or`, and an issue's
 * `activity` (some / every entry, by date and user, `isMe` meaning the API key's user).
 */
import type { SbActivity, SbAttachment, SbIssue, SbLabel, SbTeam, Workspace } from './data.js';
import { linearError } from './errors.js';

type Comparator = Record<string, unknown>;
type Filter = Record<string, unknown> | null | undefined;

function compare(value: unknown, comparator: Comparator | undefined): boolean {
  if (!comparator) return true;
  return Object.entries(comparator).every(([op, want]) => {
    switch (op) {
      case 'eq':
        return value === want;
      case 'neq':
        return value !== want;
      case 'in':
        return (want as unknown[]).includes(value);
      case 'nin':
        return !(want as unknown[]).includes(value);
      case 'startsWith':
        return typeof value === 'string' && value.startsWith(want as string);
      case 'null':
        return (value === null) === want;
      default:
        throw linearError('invalidInput', `comparator ${op} is not supported by the sandbox`);
    }
  });
}

const DURATION = /^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An ISO time, or a duration relative to now (`-P1D` = one day ago), as epoch ms. */
export function dateMs(value: unknown): number {
  const text = String(value);
  const duration = DURATION.exec(text);
  if (duration && /\d/.test(text)) {
    const [, sign, w, d, h, m, s] = duration;
    const n = (x: string | undefined): number => Number(x ?? 0);
    const ms = (((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(m)) * 60_000 + n(s) * 1000;
    return Date.now() + (sign === '-' ? -ms : ms);
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw linearError('invalidInput', `not a date or duration: ${text}`);
  return ms;
}

function compareDate(value: string, comparator: Comparator | undefined): boolean {
  if (!comparator) return true;
  const ms = Date.parse(value);
  return Object.entries(comparator).every(([op, want]) => {
    const w = dateMs(want);
    switch (op) {
      case 'eq':
        return ms === w;
      case 'gt':
        return ms > w;
      case 'gte':
        return ms >= w;
      case 'lt':
        return ms < w;
      case 'lte':
        return ms <= w;
      default:
        throw linearError('invalidInput', `date comparator ${op} is not supported by the sandbox`);
    }
  });
}

function combine<T>(
  filter: Record<string, unknown>,
  item: T,
  matches: (f: Filter, i: T) => boolean,
): boolean {
  const and = filter['and'] as Filter[] | undefined;
  const or = filter['or'] as Filter[] | undefined;
  return (!and || and.every((f) => matches(f, item))) && (!or || or.some((f) => matches(f, item)));
}

export function teamMatches(filter: Filter, team: SbTeam | null): boolean {
  if (!filter) return true;
  if ('null' in filter) return (team === null) === filter['null'];
  if (team === null) return false;
  return (
    compare(team.id, filter['id'] as Comparator) &&
    compare(team.key, filter['key'] as Comparator) &&
    compare(team.name, filter['name'] as Comparator) &&
    combine(filter, team, teamMatches)
  );
}

/** A user filter on an activity's user; an entry without a user (automation) matches nothing. */
function userMatches(ws: Workspace, filter: Filter, userId: string | null): boolean {
  if (!filter) return true;
  if (userId === null) return false;
  return (
    compare(userId, filter['id'] as Comparator) &&
    compare(userId === ws.viewer.id, filter['isMe'] as Comparator) &&
    combine(filter, userId, (f, u) => userMatches(ws, f, u))
  );
}

function activityMatches(ws: Workspace, filter: Filter, entry: SbActivity): boolean {
  if (!filter) return true;
  return (
    compareDate(entry.createdAt, filter['createdAt'] as Comparator) &&
    compareDate(entry.updatedAt, filter['updatedAt'] as Comparator) &&
    userMatches(ws, filter['user'] as Filter, entry.userId) &&
    combine(filter, entry, (f, e) => activityMatches(ws, f, e))
  );
}

/** `some` / `every` over the entries; the collection's own fields apply to some entry. */
function activitiesMatch(ws: Workspace, filter: Filter, entries: readonly SbActivity[]): boolean {
  if (!filter) return true;
  const some = filter['some'] as Filter;
  const every = filter['every'] as Filter;
  const own = ['createdAt', 'updatedAt', 'user'].filter((k) => k in filter);
  const ownFilter = Object.fromEntries(own.map((k) => [k, filter[k]]));
  return (
    (some === undefined || entries.some((e) => activityMatches(ws, some, e))) &&
    (every === undefined || entries.every((e) => activityMatches(ws, every, e))) &&
    (own.length === 0 || entries.some((e) => activityMatches(ws, ownFilter, e))) &&
    combine(filter, entries, (f, list) => activitiesMatch(ws, f, list))
  );
}

export function issueMatches(ws: Workspace, filter: Filter, issue: SbIssue): boolean {
  if (!filter) return true;
  const state = ws.state(issue.stateId);
  const stateFilter = filter['state'] as Record<string, unknown> | undefined;
  return (
    compare(issue.id, filter['id'] as Comparator) &&
    teamMatches(filter['team'] as Filter, ws.team(issue.teamId)) &&
    compare(state.type, stateFilter?.['type'] as Comparator) &&
    compare(state.name, stateFilter?.['name'] as Comparator) &&
    compareDate(issue.updatedAt, filter['updatedAt'] as Comparator) &&
    activitiesMatch(ws, filter['activity'] as Filter, issue.activity) &&
    combine(filter, issue, (f, i) => issueMatches(ws, f, i))
  );
}

export function labelMatches(ws: Workspace, filter: Filter, label: SbLabel): boolean {
  if (!filter) return true;
  return (
    compare(label.id, filter['id'] as Comparator) &&
    compare(label.name, filter['name'] as Comparator) &&
    compare(label.isGroup, filter['isGroup'] as Comparator) &&
    teamMatches(filter['team'] as Filter, label.teamId === null ? null : ws.team(label.teamId))
  );
}

export function attachmentMatches(filter: Filter, attachment: SbAttachment): boolean {
  if (!filter) return true;
  return (
    compare(attachment.url, filter['url'] as Comparator) &&
    compare(attachment.title, filter['title'] as Comparator)
  );
}
