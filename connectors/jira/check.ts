/**
 * `netvalue check` for Jira: credentials (GET /myself), each configured field (exists, is a
 * number), the JQL, and whether the write-back fields are on the edit screen. Editability is
 * read from GET /issue/{key}/editmeta of one issue per project and issue type on the first
 * page of the JQL (screens are per project and issue type); with no issue in scope it is skipped.
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
  type ResolvedField,
} from './fields.js';

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
    if (role === 'netValue' || role === 'rankPosition') writable.push(found.field);
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

async function checkScreens(
  config: JiraTrackerConfig,
  clients: JiraClients,
  writable: ResolvedField[],
  lines: Line[],
): Promise<void> {
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
  if (page.issues.length === 0) {
    lines.push({ ok: true, text: 'no issue in scope: edit-screen check skipped' });
    return;
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
}

export async function checkJira(config: JiraTrackerConfig): Promise<CheckReport> {
  const lines: Line[] = [];
  const clients = createJiraClients(config);
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
    await checkScreens(config, clients, writable, lines);
  } catch (err) {
    lines.push({ ok: false, text: failed(err) });
  }
  if (config.webhookSecret === undefined) {
    lines.push({
      ok: true,
      text: 'webhookSecret not set: webhooks are refused (401), polling still works',
    });
  }
  return { ok: lines.every((l) => l.ok), lines };
}
