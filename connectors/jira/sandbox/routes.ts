/** The sandbox's endpoints, in Jira Cloud's request and response shapes. */
import { z } from 'zod';
import { renderFields, SANDBOX_FIELDS } from './data.js';
import { searchBodyFromQuery } from './search.js';
import { errors, type Reply, type Route, type RouteEnv, type RouteRequest } from './reply.js';
import { rank } from './agile.js';

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
