/**
 * GET/POST /rest/api/3/search/jql for the sandbox: bounded JQL, `fields` filtering (default `id`
 * only), opaque `nextPageToken`s, no `total`, `isLast` on every page. The result list is fixed when
 * page 1 is served, so paging through a changing backlog returns every issue once.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { renderFields, type SandboxIssue } from './data.js';
import { JqlError, parseJql } from './jql.js';
import { runQuery, type QueryContext } from './query.js';

// additionalProperties: false in Atlassian's SearchAndReconcileRequestBean.
export const SearchBody = z
  .object({
    jql: z.string().optional(),
    nextPageToken: z.string().optional(),
    maxResults: z.number().int().optional(),
    fields: z.array(z.string()).optional(),
    expand: z.string().optional(),
    properties: z.array(z.string()).optional(),
    fieldsByKeys: z.boolean().optional(),
    failFast: z.boolean().optional(),
    reconcileIssues: z.array(z.number().int()).max(50).optional(),
  })
  .strict();
export type SearchBody = z.infer<typeof SearchBody>;

/** GET's query string in the POST body's shape (arrays are comma-joined on the wire). */
export function searchBodyFromQuery(params: URLSearchParams): unknown {
  const list = (name: string) => {
    const all = params
      .getAll(name)
      .flatMap((v) => v.split(','))
      .filter((v) => v !== '');
    return all.length > 0 ? all : undefined;
  };
  const max = params.get('maxResults');
  const body: Record<string, unknown> = {
    jql: params.get('jql') ?? undefined,
    nextPageToken: params.get('nextPageToken') ?? undefined,
    maxResults: max === null ? undefined : Number(max),
    fields: list('fields'),
    expand: params.get('expand') ?? undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

export interface SearchReply {
  status: number;
  body: unknown;
}

interface Cursor {
  jql: string;
  ids: string[];
  offset: number;
}

export interface SearchEnv extends QueryContext {
  baseUrl: string;
  issues: Map<string, SandboxIssue>;
  /** Smaller pages than asked, as Jira does when many fields are requested. */
  maxPageSize: number;
}

function errorReply(message: string): SearchReply {
  return { status: 400, body: { errorMessages: [message], errors: {}, warningMessages: [] } };
}

function selectFields(
  requested: string[] | undefined,
  all: Record<string, unknown>,
): Record<string, unknown> | null {
  const list = requested ?? ['id'];
  const everything = list.includes('*all') || list.includes('*navigable');
  const excluded = new Set(list.filter((f) => f.startsWith('-')).map((f) => f.slice(1)));
  const picked = Object.entries(all).filter(
    ([id]) => !excluded.has(id) && (everything || list.includes(id)),
  );
  if (!everything && list.every((f) => f === 'id' || f === 'key')) return null;
  return Object.fromEntries(picked);
}

export class SearchPager {
  private readonly cursors = new Map<string, Cursor>();

  search(raw: unknown, env: SearchEnv): SearchReply {
    const parsed = SearchBody.safeParse(raw);
    if (!parsed.success)
      return errorReply(`Invalid request payload: ${z.prettifyError(parsed.error)}`);
    const req = parsed.data;
    const jql = (req.jql ?? '').trim();
    let cursor: Cursor;
    if (req.nextPageToken !== undefined) {
      const known = this.cursors.get(req.nextPageToken);
      if (!known || known.jql !== jql)
        return errorReply('The provided next page token is invalid or expired.');
      cursor = known;
    } else {
      try {
        const ids = runQuery(parseJql(jql), [...env.issues.values()], env).map((i) => i.id);
        cursor = { jql, ids, offset: 0 };
      } catch (err) {
        if (err instanceof JqlError) return errorReply(err.message);
        throw err;
      }
    }
    const onlyIds = selectFields(req.fields, {}) === null;
    const cap = onlyIds ? 5000 : Math.min(100, env.maxPageSize);
    const size = Math.max(1, Math.min(req.maxResults ?? 50, cap));
    const slice = cursor.ids.slice(cursor.offset, cursor.offset + size);
    const issues = slice
      .map((id) => env.issues.get(id))
      .filter((i): i is SandboxIssue => i !== undefined)
      .map((issue) => this.render(issue, req.fields, env));
    const nextOffset = cursor.offset + slice.length;
    if (nextOffset >= cursor.ids.length) return { status: 200, body: { issues, isLast: true } };
    const token = randomBytes(18).toString('base64url');
    this.cursors.set(token, { ...cursor, offset: nextOffset });
    return { status: 200, body: { issues, nextPageToken: token, isLast: false } };
  }

  private render(issue: SandboxIssue, requested: string[] | undefined, env: SearchEnv): unknown {
    const fields = selectFields(requested, renderFields(issue, env.baseUrl, env.timeZone));
    if (fields === null) return { id: issue.id };
    return {
      expand: '',
      id: issue.id,
      self: `${env.baseUrl}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields,
    };
  }
}
