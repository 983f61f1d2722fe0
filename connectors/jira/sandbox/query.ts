/** Runs a parsed JQL query against the sandbox's issues: validate, filter, sort. */
import type { FieldDetails } from '../fields.js';
import { compareKeys, PROJECTS, statusCategoryOf, type SandboxIssue } from './data.js';
import { JqlError, parseJqlDate, type Expr, type Query, type SortItem } from './jql.js';
import { wallTimeToMs } from './time.js';

export interface QueryContext {
  timeZone: string;
  nowMs: number;
  fields: FieldDetails[];
}

type Resolved =
  | { kind: 'text'; read: (i: SandboxIssue) => string[] }
  | { kind: 'number'; read: (i: SandboxIssue) => number | null }
  | { kind: 'contains'; read: (i: SandboxIssue) => string };

const DATE_FIELDS: Record<string, (i: SandboxIssue) => number> = {
  updated: (i) => i.updatedMs,
  updateddate: (i) => i.updatedMs,
  created: (i) => i.createdMs,
  createddate: (i) => i.createdMs,
};

function customFieldId(name: string, fields: FieldDetails[]): string | undefined {
  const lower = name.toLowerCase();
  const cf = /^cf\[(\d+)\]$/.exec(lower);
  const id = cf ? `customfield_${cf[1] as string}` : lower;
  return fields.find((f) => f.custom === true && (f.id === id || f.name.toLowerCase() === lower))
    ?.id;
}

function resolveField(name: string, ctx: QueryContext): Resolved {
  const lower = name.toLowerCase();
  switch (lower) {
    case 'project':
      return {
        kind: 'text',
        read: (i) => [i.project, PROJECTS[i.project]?.name ?? '', PROJECTS[i.project]?.id ?? ''],
      };
    case 'status':
      return { kind: 'text', read: (i) => [i.status] };
    case 'statuscategory': {
      return { kind: 'text', read: (i) => Object.values(statusCategoryOf(i.status)).map(String) };
    }
    case 'issuetype':
    case 'type':
      return { kind: 'text', read: (i) => [i.issueType] };
    case 'labels':
      return { kind: 'text', read: (i) => i.labels };
    case 'key':
    case 'issuekey':
    case 'issue':
      return { kind: 'text', read: (i) => [i.key] };
    case 'id':
      return { kind: 'number', read: (i) => Number(i.id) };
    case 'summary':
    case 'text':
      return { kind: 'contains', read: (i) => i.summary };
  }
  const date = DATE_FIELDS[lower];
  if (date) return { kind: 'number', read: date };
  const custom = customFieldId(name, ctx.fields);
  if (custom) {
    return {
      kind: 'number',
      read: (i) => {
        const value = i.values[custom];
        return typeof value === 'number' ? value : null;
      },
    };
  }
  throw new JqlError(`Field '${name}' does not exist or you do not have permission to view it.`);
}

function toNumber(field: string, value: string, ctx: QueryContext): number {
  if (DATE_FIELDS[field.toLowerCase()]) {
    return parseJqlDate(value, ctx.nowMs, (wall) => wallTimeToMs(wall, ctx.timeZone));
  }
  const n = Number(value);
  if (!Number.isFinite(n))
    throw new JqlError(`The value '${value}' for field '${field}' is not a number.`);
  return n;
}

function compareNumber(actual: number | null, op: string, wanted: number[]): boolean {
  if (actual === null) return op === '!=' || op === 'not in';
  const w = wanted[0] as number;
  switch (op) {
    case '=':
      return actual === w;
    case '!=':
      return actual !== w;
    case '>':
      return actual > w;
    case '>=':
      return actual >= w;
    case '<':
      return actual < w;
    case '<=':
      return actual <= w;
    case 'in':
      return wanted.includes(actual);
    case 'not in':
      return !wanted.includes(actual);
  }
  throw new JqlError(`The operator '${op}' is not supported by this field.`);
}

function matchClause(
  issue: SandboxIssue,
  c: Extract<Expr, { kind: 'clause' }>,
  ctx: QueryContext,
): boolean {
  const field = resolveField(c.field, ctx);
  if (c.values === 'EMPTY') {
    const empty =
      field.kind === 'number'
        ? field.read(issue) === null
        : field.kind === 'text'
          ? field.read(issue).length === 0
          : false;
    return c.op === 'is' || c.op === '=' ? empty : !empty;
  }
  if (field.kind === 'number') {
    return compareNumber(
      field.read(issue),
      c.op,
      c.values.map((v) => toNumber(c.field, v, ctx)),
    );
  }
  if (field.kind === 'contains') {
    const has = field
      .read(issue)
      .toLowerCase()
      .includes((c.values[0] ?? '').toLowerCase());
    if (c.op === '~') return has;
    if (c.op === '!~') return !has;
    throw new JqlError(`The operator '${c.op}' is not supported by the '${c.field}' field.`);
  }
  const actual = new Set(field.read(issue).map((v) => v.toLowerCase()));
  const hit = c.values.some((v) => actual.has(v.toLowerCase()));
  if (c.op === '=' || c.op === 'in') return hit;
  if (c.op === '!=' || c.op === 'not in') return !hit;
  throw new JqlError(`The operator '${c.op}' is not supported by the '${c.field}' field.`);
}

function matches(issue: SandboxIssue, e: Expr, ctx: QueryContext): boolean {
  switch (e.kind) {
    case 'and':
      return matches(issue, e.left, ctx) && matches(issue, e.right, ctx);
    case 'or':
      return matches(issue, e.left, ctx) || matches(issue, e.right, ctx);
    case 'not':
      return !matches(issue, e.expr, ctx);
    case 'clause':
      return matchClause(issue, e, ctx);
  }
}

/** Jira refuses a query naming a project or an issue that does not exist. */
function validate(e: Expr, all: SandboxIssue[], ctx: QueryContext): void {
  if (e.kind === 'and' || e.kind === 'or')
    return (validate(e.left, all, ctx), validate(e.right, all, ctx));
  if (e.kind === 'not') return validate(e.expr, all, ctx);
  resolveField(e.field, ctx);
  if (e.values === 'EMPTY') return;
  const field = e.field.toLowerCase();
  for (const value of e.values) {
    if (
      field === 'project' &&
      !Object.entries(PROJECTS).some(([k, p]) =>
        [k, p.name, p.id].some((x) => x.toLowerCase() === value.toLowerCase()),
      )
    ) {
      throw new JqlError(`The value '${value}' does not exist for the field 'project'.`);
    }
    const byIssue = ['key', 'issuekey', 'issue', 'id'].includes(field);
    if (
      byIssue &&
      !all.some((i) => i.key.toLowerCase() === value.toLowerCase() || i.id === value)
    ) {
      throw new JqlError(`An issue with key '${value}' does not exist for field '${e.field}'.`);
    }
  }
}

function sortValue(field: string, ctx: QueryContext): (a: SandboxIssue, b: SandboxIssue) => number {
  const lower = field.toLowerCase();
  if (lower === 'rank') return (a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0);
  if (lower === 'key' || lower === 'issuekey') return (a, b) => compareKeys(a.key, b.key);
  if (lower === 'summary') return (a, b) => a.summary.localeCompare(b.summary);
  if (lower === 'project') return (a, b) => a.project.localeCompare(b.project);
  const resolved = resolveField(field, ctx);
  if (resolved.kind !== 'number') throw new JqlError(`Not able to sort using field '${field}'.`);
  // Empty values sort last, as in Jira.
  return (a, b) => (resolved.read(a) ?? Infinity) - (resolved.read(b) ?? Infinity);
}

function comparator(
  orderBy: SortItem[],
  ctx: QueryContext,
): (a: SandboxIssue, b: SandboxIssue) => number {
  // Without ORDER BY the sandbox sorts newest created first.
  const items = orderBy.length > 0 ? orderBy : [{ field: 'created', descending: true }];
  if (items.length > 7) throw new JqlError('The ORDER BY clause may contain at most 7 fields.');
  const compares = items.map((item) => ({
    compare: sortValue(item.field, ctx),
    sign: item.descending ? -1 : 1,
  }));
  return (a, b) => {
    for (const { compare, sign } of compares) {
      const d = compare(a, b) * sign;
      if (d !== 0) return d;
    }
    return Number(a.id) - Number(b.id);
  };
}

/** Matching issues in query order; throws JqlError (400) for unbounded or invalid queries. */
export function runQuery(query: Query, all: SandboxIssue[], ctx: QueryContext): SandboxIssue[] {
  if (query.where === null) {
    throw new JqlError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    );
  }
  validate(query.where, all, ctx);
  const where = query.where;
  return all.filter((issue) => matches(issue, where, ctx)).sort(comparator(query.orderBy, ctx));
}
