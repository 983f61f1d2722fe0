/** The sandbox's endpoints, in Jira Cloud's request and response shapes. */
import { z } from 'zod';
import { renderFields, SANDBOX_FIELDS, type SandboxIssue } from './sandbox-data.js';
import { searchBodyFromQuery, type SearchEnv, type SearchPager } from './sandbox-search.js';
import type { SandboxState } from './sandbox-state.js';

export interface Reply {
  status: number;
  body?: unknown;
}

export interface RouteRequest {
  url: URL;
  /** Parsed JSON body; undefined when empty. */
  body: unknown;
}

export interface RouteEnv {
  state: SandboxState;
  pager: SearchPager;
  searchEnv: () => SearchEnv;
}

export interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  handle(req: RouteRequest, params: string[], env: RouteEnv): Reply;
}

const errors = (
  status: number,
  messages: string[],
  fieldErrors: Record<string, string> = {},
): Reply => ({
  status,
  body: { errorMessages: messages, errors: fieldErrors },
});

const NOT_FOUND = errors(404, ['Issue does not exist or you do not have permission to see it.']);

const screenError = (id: string) =>
  `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;

// Atlassian's IssueUpdateDetails (additionalProperties: false).
const EditBody = z
  .object({
    fields: z.record(z.string(), z.unknown()).optional(),
    update: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
    historyMetadata: z.unknown().optional(),
    properties: z.unknown().optional(),
    transition: z.unknown().optional(),
  })
  .strict();

const RankBody = z
  .object({
    issues: z.array(z.string()).min(1),
    rankBeforeIssue: z.string().optional(),
    rankAfterIssue: z.string().optional(),
    rankCustomFieldId: z.number().int().optional(),
  })
  .strict();

/** Fields a person can edit on the sandbox's edit screens (Rank never is). */
function editable(env: RouteEnv): Map<string, (v: unknown) => boolean> {
  const isNumber = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
  const isText = (v: unknown) => v === null || typeof v === 'string';
  const map = new Map<string, (v: unknown) => boolean>([
    ['summary', (v) => typeof v === 'string' && v !== ''],
    ['labels', (v) => Array.isArray(v) && v.every((l) => typeof l === 'string' && !/\s/.test(l))],
  ]);
  for (const field of env.state.fields) {
    if (!field.custom || field.id === SANDBOX_FIELDS.rank || env.state.offScreen.has(field.id))
      continue;
    map.set(field.id, field.schema?.type === 'number' ? isNumber : isText);
  }
  return map;
}

function edit(req: RouteRequest, [idOrKey]: string[], env: RouteEnv): Reply {
  const issue = env.state.find(idOrKey as string);
  if (!issue) return NOT_FOUND;
  const parsed = EditBody.safeParse(req.body);
  if (!parsed.success)
    return errors(400, [`Invalid request payload: ${z.prettifyError(parsed.error)}`]);
  const changes: Record<string, unknown> = { ...parsed.data.fields };
  for (const [id, ops] of Object.entries(parsed.data.update ?? {})) {
    for (const op of ops) if ('set' in op) changes[id] = op['set'];
  }
  if (Object.keys(changes).length === 0) return errors(400, ['No fields to update.']);
  const allowed = editable(env);
  const fieldErrors: Record<string, string> = {};
  for (const [id, value] of Object.entries(changes)) {
    const check = allowed.get(id);
    if (!check) fieldErrors[id] = screenError(id);
    else if (!check(value)) {
      const type = env.state.field(id)?.schema?.type ?? 'string';
      fieldErrors[id] =
        type === 'number'
          ? 'Operation value must be a number'
          : `Operation value must be a ${type}`;
    }
  }
  if (Object.keys(fieldErrors).length > 0) return errors(400, [], fieldErrors);
  env.state.apply(issue, changes, env.state.account.accountId);
  return { status: 204 };
}

function editMeta(_req: RouteRequest, [idOrKey]: string[], env: RouteEnv): Reply {
  if (!env.state.find(idOrKey as string)) return NOT_FOUND;
  const fields: Record<string, unknown> = {};
  for (const id of editable(env).keys()) {
    const field = env.state.field(id);
    if (field)
      fields[id] = {
        required: id === 'summary',
        schema: field.schema,
        name: field.name,
        key: id,
        operations: ['set'],
      };
  }
  return { status: 200, body: { fields } };
}

function getIssue(req: RouteRequest, [idOrKey]: string[], env: RouteEnv): Reply {
  const issue = env.state.find(idOrKey as string);
  if (!issue) return NOT_FOUND;
  const all = renderFields(issue, env.state.baseUrl, env.state.account.timeZone);
  const wanted = req.url.searchParams.get('fields')?.split(',');
  const fields =
    wanted && !wanted.includes('*all')
      ? Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k)))
      : all;
  return {
    status: 200,
    body: {
      expand: '',
      id: issue.id,
      self: `${env.state.baseUrl}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields,
    },
  };
}

function rank(req: RouteRequest, _params: string[], env: RouteEnv): Reply {
  const parsed = RankBody.safeParse(req.body);
  if (!parsed.success)
    return errors(400, [`Invalid request payload: ${z.prettifyError(parsed.error)}`]);
  const body = parsed.data;
  if (body.issues.length > 50) return errors(400, ['Cannot rank more than 50 issues at once.']);
  const anchorRef = body.rankBeforeIssue ?? body.rankAfterIssue;
  if (
    anchorRef === undefined ||
    (body.rankBeforeIssue !== undefined && body.rankAfterIssue !== undefined)
  ) {
    return errors(400, ['Exactly one of rankBeforeIssue and rankAfterIssue is required.']);
  }
  if (
    body.rankCustomFieldId !== undefined &&
    `customfield_${body.rankCustomFieldId}` !== SANDBOX_FIELDS.rank
  ) {
    return errors(400, [`The rank field ${body.rankCustomFieldId} does not exist.`]);
  }
  const anchor = env.state.find(anchorRef);
  if (!anchor) return errors(400, [`Issue '${anchorRef}' does not exist.`]);
  const found = body.issues.map((ref) => ({ ref, issue: env.state.find(ref) }));
  if (found.some((f) => f.issue?.id === anchor.id))
    return errors(400, ['An issue cannot be ranked relative to itself.']);
  const entry = (
    ref: string,
    issue: SandboxIssue | undefined,
    status: number,
    message?: string,
  ) => ({
    issueId: issue ? Number(issue.id) : null,
    issueKey: issue?.key ?? ref,
    status,
    ...(message ? { errors: [message] } : {}),
  });
  const entries = found.map(({ ref, issue }) =>
    !issue
      ? entry(ref, issue, 404, 'Issue does not exist')
      : env.state.rankFailures.has(issue.id)
        ? entry(ref, issue, 503, 'Ranking is temporarily unavailable for this issue')
        : entry(ref, issue, 200),
  );
  const moving = found
    .filter((_f, i) => entries[i]?.status === 200)
    .map((f) => f.issue as SandboxIssue);
  env.state.rank(
    moving,
    anchor,
    body.rankBeforeIssue !== undefined ? 'before' : 'after',
    env.state.account.accountId,
  );
  return entries.every((e) => e.status === 200)
    ? { status: 204 }
    : { status: 207, body: { entries } };
}

const REMOVED = errors(410, [
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
]);

export const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/myself$/,
    operation: 'myself',
    handle: (_req, _p, env) => {
      const a = env.state.account;
      return {
        status: 200,
        body: {
          self: `${env.state.baseUrl}/rest/api/3/user?accountId=${a.accountId}`,
          accountId: a.accountId,
          accountType: 'atlassian',
          emailAddress: a.email,
          displayName: a.displayName,
          active: true,
          timeZone: a.timeZone,
          locale: 'en_US',
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/field$/,
    operation: 'field',
    handle: (_r, _p, env) => ({ status: 200, body: env.state.fields }),
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/search\/jql$/,
    operation: 'search',
    handle: (req, _p, env) => env.pager.search(req.body ?? {}, env.searchEnv()),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/search\/jql$/,
    operation: 'search',
    handle: (req, _p, env) =>
      env.pager.search(searchBodyFromQuery(req.url.searchParams), env.searchEnv()),
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/search$/,
    operation: 'search-removed',
    handle: () => REMOVED,
  },
  {
    method: 'POST',
    pattern: /^\/rest\/api\/3\/search$/,
    operation: 'search-removed',
    handle: () => REMOVED,
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)\/editmeta$/,
    operation: 'editmeta',
    handle: editMeta,
  },
  {
    method: 'GET',
    pattern: /^\/rest\/api\/3\/issue\/([^/]+)$/,
    operation: 'issue',
    handle: getIssue,
  },
  { method: 'PUT', pattern: /^\/rest\/api\/3\/issue\/([^/]+)$/, operation: 'edit', handle: edit },
  { method: 'PUT', pattern: /^\/rest\/agile\/1\.0\/issue\/rank$/, operation: 'rank', handle: rank },
];
