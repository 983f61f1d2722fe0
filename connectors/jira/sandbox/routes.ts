/** The sandbox's endpoints, in Jira Cloud's request and response shapes. */
import { z } from 'zod';
import { PROJECTS, renderFields, SANDBOX_FIELDS } from './data.js';
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

// Real Jira Cloud refuses the whole edit (nothing is written), although the OpenAPI text says
// the parameter is ignored; observed as a 403 with this message (see the connector's README).
const NO_SUPPRESS = errors(403, [
  'To discard the user notification either admin or project admin permissions are required.',
]);

function edit(req: RouteRequest, [idOrKey]: string[], env: RouteEnv): Reply {
  const issue = env.state.find(idOrKey as string);
  if (!issue) return NOT_FOUND;
  const notifyUsers = req.url.searchParams.get('notifyUsers');
  if (notifyUsers === 'false' && !env.state.maySuppressNotifications(issue.project))
    return NO_SUPPRESS;
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

/** The permissions GET /mypermissions knows, as Jira lists them. */
const PERMISSIONS: Record<string, { id: string; name: string; type: 'GLOBAL' | 'PROJECT' }> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT' },
  SCHEDULE_ISSUES: { id: '28', name: 'Schedule Issues', type: 'PROJECT' },
};

/**
 * GET /rest/api/3/mypermissions?permissions=A,B[&projectKey|projectId|issueKey|issueId]. Without a
 * project or issue, a project permission is held "in the global context" when it is held in any
 * project (as Jira documents it). The account browses, edits and schedules everywhere.
 */
function myPermissions(req: RouteRequest, _p: string[], env: RouteEnv): Reply {
  const q = req.url.searchParams;
  const keys = (q.get('permissions') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) return errors(400, ['The permissions parameter is required.']);
  const unknown = keys.filter((k) => !(k in PERMISSIONS));
  if (unknown.length > 0) return errors(400, [`Invalid permission keys: ${unknown.join(', ')}.`]);
  let project: string | null = null;
  const issueRef = q.get('issueId') ?? q.get('issueKey');
  const projectId = q.get('projectId');
  const projectKey = q.get('projectKey');
  if (issueRef !== null) {
    const issue = env.state.find(issueRef);
    if (!issue) return NOT_FOUND;
    project = issue.project;
  } else if (projectId !== null || projectKey !== null) {
    project =
      Object.entries(PROJECTS).find(([key, p]) =>
        projectId !== null ? p.id === projectId : key === projectKey?.toUpperCase(),
      )?.[0] ?? null;
    if (project === null)
      return errors(404, [`No project could be found with key '${projectKey ?? projectId}'.`]);
  }
  const rights = env.state.adminRights;
  const holds = (key: string): boolean => {
    if (key === 'ADMINISTER') return rights.jira;
    if (key !== 'ADMINISTER_PROJECTS') return true;
    if (rights.jira) return true;
    return project === null ? rights.projects.length > 0 : rights.projects.includes(project);
  };
  const permissions = Object.fromEntries(
    keys.map((key) => {
      const p = PERMISSIONS[key] as (typeof PERMISSIONS)[string];
      return [
        key,
        {
          id: p.id,
          key,
          name: p.name,
          type: p.type,
          description: p.name,
          havePermission: holds(key),
        },
      ];
    }),
  );
  return { status: 200, body: { permissions } };
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
    pattern: /^\/rest\/api\/3\/mypermissions$/,
    operation: 'mypermissions',
    handle: myPermissions,
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
