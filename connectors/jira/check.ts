/**
 * `netvalue check` for Jira: credentials (GET /myself), each configured field (exists, is a
 * number), the JQL, and whether the write-back fields are on the edit screen. Editability is
 * read from GET /issue/{key}/editmeta of one issue per project and issue type on the first
 * page of the JQL (screens are per project and issue type); with no issue in scope it is skipped.
 * Then whether the account may suppress watcher notifications (GET /mypermissions, see
 * notify.ts) and, with `fields.rankPosition`, what writing positions costs.
 */
import { z } from 'zod';
import type { CheckReport } from '../connector.js';
import { createJiraClients, send, type JiraClients } from './client.js';
import type { JiraTrackerConfig } from './config.js';
import {
  configuredRoles,
  FieldList,
  findRankField,
  resolveNumberField,
  resolveTextField,
  WRITTEN_ROLES,
  type ResolvedField,
} from './fields.js';
import { readAdminRights } from './notify.js';

type Line = CheckReport['lines'][number];

/** At most this many editmeta reads, so a check stays quick on a large site. */
const MAX_SCREEN_CHECKS = 5;

const Myself = z.looseObject({
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  timeZone: z.string().optional(),
});
const ScopePage = z.looseObject({
  issues: z
    .array(
      z.looseObject({
        key: z.string(),
        fields: z
          .looseObject({
            project: z.looseObject({ key: z.string() }).optional(),
            issuetype: z.looseObject({ name: z.string() }).optional(),
          })
          .default({}),
      }),
    )
    .default([]),
});
const EditMeta = z.looseObject({ fields: z.record(z.string(), z.unknown()).default({}) });

function ctx(config: JiraTrackerConfig, action: string) {
  return { trackerId: config.id, email: config.email, action };
}

function failed(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function checkFields(config: JiraTrackerConfig, clients: JiraClients, lines: Line[]) {
  const all = FieldList.parse(
    await send(clients, 'read', ctx(config, 'read the field list'), () =>
      clients.v3.issueFields.getFields<unknown>(),
    ),
  );
  const writable: ResolvedField[] = [];
  for (const [role, wanted] of configuredRoles(config)) {
    if (wanted === undefined) continue;
    const found = resolveNumberField(all, role, wanted);
    if (!found.ok) {
      lines.push({ ok: false, text: found.message });
      continue;
    }
    lines.push({
      ok: true,
      text: `fields.${role} "${wanted}" is ${found.field.id}, a number field`,
    });
    if (WRITTEN_ROLES.has(role)) writable.push(found.field);
  }
  if (config.fields.valueImpact !== undefined) {
    const found = resolveTextField(all, 'valueImpact', config.fields.valueImpact);
    lines.push(
      found.ok
        ? {
            ok: true,
            text: `fields.valueImpact "${config.fields.valueImpact}" is ${found.field.id}, a text field (impacts like '+5% signups')`,
          }
        : { ok: false, text: found.message },
    );
  }
  if (config.rank) {
    const rank = findRankField(all);
    lines.push(
      rank
        ? { ok: true, text: `rank: board Rank field is ${rank.id}` }
        : { ok: false, text: 'rank: true but no Jira Software Rank field is visible' },
    );
  }
  return writable;
}

/** Returns the project keys on the JQL's first page. */
async function checkScreens(
  config: JiraTrackerConfig,
  clients: JiraClients,
  writable: ResolvedField[],
  lines: Line[],
): Promise<string[]> {
  const page = ScopePage.parse(
    await send(clients, 'read', ctx(config, 'search the configured JQL'), () =>
      clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
        jql: config.jql,
        maxResults: 100,
        fields: ['project', 'issuetype'],
      }),
    ),
  );
  lines.push({ ok: true, text: `jql is valid (${page.issues.length} issues on its first page)` });
  const projects = [
    ...new Set(page.issues.flatMap((i) => (i.fields.project ? [i.fields.project.key] : []))),
  ];
  if (page.issues.length === 0) {
    lines.push({ ok: true, text: 'no issue in scope: edit-screen check skipped' });
    return projects;
  }
  const samples = new Map<string, string>();
  for (const issue of page.issues) {
    const screen = `${issue.fields.project?.key ?? '?'}/${issue.fields.issuetype?.name ?? '?'}`;
    if (!samples.has(screen) && samples.size < MAX_SCREEN_CHECKS) samples.set(screen, issue.key);
  }
  for (const key of samples.values()) {
    const meta = EditMeta.parse(
      await send(clients, 'read', ctx(config, `read editmeta of ${key}`), () =>
        clients.v3.issues.getEditIssueMeta<unknown>({ issueIdOrKey: key }),
      ),
    );
    for (const field of writable) {
      lines.push(
        field.id in meta.fields
          ? { ok: true, text: `"${field.name}" (${field.id}) is editable on ${key}` }
          : {
              ok: false,
              text: `"${field.name}" (${field.id}) is not on the edit screen of ${key}: add it to that project's edit screen for this issue type`,
            },
      );
    }
  }
  return projects;
}

/**
 * Whether the account may send notifyUsers=false: Administer Jira, or Administer Projects in each
 * project in scope (those on the JQL's first page, at most MAX_SCREEN_CHECKS asked one by one).
 * Returns whether every edit will be sent with notifyUsers=false.
 */
async function checkNotify(
  config: JiraTrackerConfig,
  clients: JiraClients,
  projects: string[],
  lines: Line[],
): Promise<boolean> {
  const global = await readAdminRights(clients, ctx(config, 'read /mypermissions'));
  const lacking: string[] = [];
  if (!global.jira && global.projects) {
    for (const key of projects.slice(0, MAX_SCREEN_CHECKS)) {
      const rights = await readAdminRights(
        clients,
        ctx(config, `read /mypermissions of ${key}`),
        key,
      );
      if (!rights.projects) lacking.push(key);
    }
  }
  const may = global.jira || (global.projects && lacking.length === 0);
  const rights = global.jira
    ? 'has Administer Jira'
    : !global.projects
      ? 'has neither Administer Jira nor Administer Projects'
      : may
        ? `has Administer Projects in ${projects.join(', ') || 'some projects'}`
        : `has Administer Projects, but not in ${lacking.join(', ')}`;
  const who = `the account "${config.email}" ${rights}`;
  if (config.notifyUsers === false) {
    lines.push(
      may
        ? { ok: true, text: `notifyUsers: false: ${who}, so edits may suppress notifications` }
        : {
            ok: false,
            text: `notifyUsers: false but ${who}: Jira refuses those edits (403). Grant Administer Jira, or Administer Projects in every project in scope, or remove notifyUsers so netvalue suppresses notifications only where allowed`,
          },
    );
    return may;
  }
  if (config.notifyUsers === true) {
    lines.push({
      ok: true,
      text: `notifyUsers: true: edits notify watchers (${who}${may ? ', so it may suppress notifications' : ''})`,
    });
    return false;
  }
  lines.push({
    ok: true,
    text: may
      ? `notifications: ${who}, so it may suppress notifications: edits are sent with notifyUsers=false`
      : global.projects
        ? `notifications: ${who}: edits there notify watchers, elsewhere they are sent with notifyUsers=false`
        : `notifications: ${who}, so it may not suppress notifications: edits notify watchers`,
  });
  return may;
}

/** The write cost of `fields.rankPosition`, in one line. */
function rankPositionCost(quiet: boolean | null): Line {
  const notifying =
    quiet === true
      ? 'sent with notifyUsers=false'
      : 'notifying watchers unless notifyUsers is false';
  return {
    ok: true,
    text: `rankPosition: one issue moving N places rewrites up to N other issues' positions (each a Jira edit, ${notifying}); positions settle once per sync.rankSettleMs after webhooks`,
  };
}

export async function checkJira(config: JiraTrackerConfig): Promise<CheckReport> {
  const lines: Line[] = [];
  const clients = createJiraClients(config);
  let projects: string[] | null = null;
  try {
    const me = Myself.parse(
      await send(clients, 'read', ctx(config, 'read /myself'), () =>
        clients.v3.myself.getCurrentUser<unknown>(),
      ),
    );
    const who = `${me.displayName ?? '?'} <${me.emailAddress ?? config.email}>`;
    lines.push({
      ok: true,
      text: `signed in to ${config.baseUrl} as ${who}, time zone ${me.timeZone ?? 'UTC'}`,
    });
    const writable = await checkFields(config, clients, lines);
    projects = await checkScreens(config, clients, writable, lines);
  } catch (err) {
    lines.push({ ok: false, text: failed(err) });
  }
  let quiet: boolean | null = null;
  if (projects !== null) {
    try {
      quiet = await checkNotify(config, clients, projects, lines);
    } catch (err) {
      lines.push({ ok: false, text: `notifications: ${failed(err)}` });
    }
  }
  if (config.fields.rankPosition !== undefined) lines.push(rankPositionCost(quiet));
  if (config.webhookSecret === undefined) {
    lines.push({
      ok: true,
      text: 'webhookSecret not set: webhooks are refused (401), polling still works',
    });
  }
  return { ok: lines.every((l) => l.ok), lines };
}
