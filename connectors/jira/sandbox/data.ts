/**
 * The sandbox's data: the field catalogue (as GET /rest/api/3/field lists it), issues seeded from
 * the shared backlog generator, and rendering an issue in Jira's JSON shape.
 */
import { generateBacklog, seededRandom, type BacklogKind } from '../../sandbox-kit/backlog.js';
import type { FieldDetails } from '../fields.js';
import { RANK_FIELD_TYPE } from '../fields.js';
import { initialRanks } from './rank.js';
import { formatJiraDate } from './time.js';

/** Custom field ids of the sandbox site (ids differ per real site; the connector resolves names). */
export const SANDBOX_FIELDS = {
  value: 'customfield_10042',
  cost: 'customfield_10043',
  netValue: 'customfield_10050',
  rankPosition: 'customfield_10051',
  rank: 'customfield_10019',
  storyPoints: 'customfield_10016',
  valueNotes: 'customfield_10060',
  duplicate: 'customfield_10061',
} as const;

export type StatusName = 'To Do' | 'In Progress' | 'Done';

const STATUS: Record<StatusName, { id: string; category: { id: number; key: string } }> = {
  'To Do': { id: '10000', category: { id: 2, key: 'new' } },
  'In Progress': { id: '3', category: { id: 4, key: 'indeterminate' } },
  Done: { id: '10001', category: { id: 3, key: 'done' } },
};

export const PROJECTS: Record<string, { id: string; name: string }> = {
  APP: { id: '10000', name: 'Application' },
  OPS: { id: '10001', name: 'Operations' },
};

export interface SandboxIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  issueType: string;
  labels: string[];
  status: StatusName;
  createdMs: number;
  updatedMs: number;
  /** Custom field values by field id (numbers, null, or text a person typed by mistake). */
  values: Record<string, unknown>;
  rank: string;
  /** The latest change (for default webhook changelogs). */
  lastChange: { fieldIds: string[]; accountId: string } | null;
}

const number = (custom: string, id: string) => ({
  type: 'number',
  custom,
  customId: Number(id.replace('customfield_', '')),
});
const FLOAT = 'com.atlassian.jira.plugin.system.customfieldtypes:float';

function field(
  id: string,
  name: string,
  schema: FieldDetails['schema'],
  custom = true,
): FieldDetails {
  const clause = custom ? [`cf[${id.replace('customfield_', '')}]`, name] : [id];
  return {
    id,
    key: id,
    name,
    custom,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: clause,
    schema,
  };
}

export function fieldCatalog(duplicateName?: string): FieldDetails[] {
  const F = SANDBOX_FIELDS;
  const system = (id: string, name: string, type: string, items?: string) =>
    field(id, name, { type, system: id, ...(items ? { items } : {}) }, false);
  const list = [
    system('summary', 'Summary', 'string'),
    system('description', 'Description', 'string'),
    system('issuetype', 'Issue Type', 'issuetype'),
    system('labels', 'Labels', 'array', 'string'),
    system('status', 'Status', 'status'),
    system('statusCategory', 'Status Category', 'statusCategory'),
    system('project', 'Project', 'project'),
    system('priority', 'Priority', 'priority'),
    system('created', 'Created', 'datetime'),
    system('updated', 'Updated', 'datetime'),
    field(
      F.storyPoints,
      'Story point estimate',
      number('com.pyxis.greenhopper.jira:jsw-story-points', F.storyPoints),
    ),
    field(F.rank, 'Rank', { type: 'any', custom: RANK_FIELD_TYPE, customId: 10019 }),
    field(F.value, 'Value ($/month)', number(FLOAT, F.value)),
    field(F.cost, 'Cost (hours)', number(FLOAT, F.cost)),
    field(F.netValue, 'Net value', number(FLOAT, F.netValue)),
    field(F.rankPosition, 'Net value rank', number(FLOAT, F.rankPosition)),
    // A decoy: close to "Value" by name, but a text field.
    field(F.valueNotes, 'Value notes', {
      type: 'string',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield',
      customId: 10060,
    }),
  ];
  if (duplicateName !== undefined)
    list.push(field(F.duplicate, duplicateName, number(FLOAT, F.duplicate)));
  return list;
}

const ISSUE_TYPE: Record<BacklogKind, string> = {
  feature: 'Story',
  'tech-debt': 'Task',
  bug: 'Bug',
};

export interface SeedOptions {
  count: number;
  seed: number;
  includeExamples: boolean;
  nowMs: number;
}

/** A realistic backlog: features and bugs in APP, tech debt in OPS; some Done; shuffled rank. */
export function seedIssues(o: SeedOptions): SandboxIssue[] {
  const random = seededRandom(o.seed + 1);
  const counters: Record<string, number> = { APP: 0, OPS: 0 };
  const items = generateBacklog({
    count: o.count,
    seed: o.seed,
    includeExamples: o.includeExamples,
  });
  const issues = items.map((item, i): SandboxIssue => {
    const project = item.kind === 'tech-debt' ? 'OPS' : 'APP';
    counters[project] = (counters[project] ?? 0) + 1;
    const example = o.includeExamples && i < 2;
    const roll = random();
    const status: StatusName =
      example || roll >= 0.3 ? 'To Do' : roll < 0.12 ? 'Done' : 'In Progress';
    // Updated between 2 hours and 4 weeks ago, so "since now" pulls start empty.
    const updatedMs = o.nowMs - 2 * 3_600_000 - Math.floor(random() * 28 * 86_400_000);
    return {
      id: String(10001 + i),
      key: `${project}-${counters[project]}`,
      project,
      summary: item.title,
      issueType: ISSUE_TYPE[item.kind],
      labels: [item.kind],
      status,
      createdMs: updatedMs - Math.floor(random() * 60 * 86_400_000),
      updatedMs,
      values: {
        [SANDBOX_FIELDS.value]: item.valueUsdPerMonth,
        [SANDBOX_FIELDS.cost]: item.costHours,
        [SANDBOX_FIELDS.storyPoints]: item.points,
        [SANDBOX_FIELDS.netValue]: null,
        [SANDBOX_FIELDS.rankPosition]: null,
        [SANDBOX_FIELDS.valueNotes]: null,
      },
      rank: '',
      lastChange: null,
    };
  });
  // A backlog nobody has sorted by value yet: ranks in a seeded random order.
  const order = issues.map((_, i) => ({ i, r: random() })).sort((a, b) => a.r - b.r);
  const ranks = initialRanks(issues.length);
  order.forEach(
    ({ i }, position) => ((issues[i] as SandboxIssue).rank = ranks[position] as string),
  );
  return issues;
}

/** Every field of an issue in Jira's JSON shape (GET issue / webhook `issue.fields`). */
export function renderFields(
  issue: SandboxIssue,
  baseUrl: string,
  timeZone: string,
): Record<string, unknown> {
  const status = STATUS[issue.status];
  const project = PROJECTS[issue.project] ?? { id: '0', name: issue.project };
  return {
    summary: issue.summary,
    description: null,
    issuetype: {
      self: `${baseUrl}/rest/api/3/issuetype/1`,
      id: '1',
      name: issue.issueType,
      subtask: false,
      hierarchyLevel: 0,
    },
    labels: [...issue.labels],
    status: {
      self: `${baseUrl}/rest/api/3/status/${status.id}`,
      id: status.id,
      name: issue.status,
      statusCategory: {
        id: status.category.id,
        key: status.category.key,
        name: statusCategoryName(issue.status),
      },
    },
    project: {
      self: `${baseUrl}/rest/api/3/project/${project.id}`,
      id: project.id,
      key: issue.project,
      name: project.name,
    },
    priority: { id: '3', name: 'Medium' },
    created: formatJiraDate(issue.createdMs, timeZone),
    updated: formatJiraDate(issue.updatedMs, timeZone),
    ...issue.values,
    [SANDBOX_FIELDS.rank]: issue.rank,
  };
}

function statusCategoryName(status: StatusName): string {
  return status === 'In Progress' ? 'In Progress' : status === 'Done' ? 'Done' : 'To Do';
}

export function statusCategoryOf(status: StatusName): { id: number; key: string; name: string } {
  return { ...STATUS[status].category, name: statusCategoryName(status) };
}

/** APP-2 before APP-10: project, then number. */
export function compareKeys(a: string, b: string): number {
  const [pa = '', na = '0'] = a.split('-');
  const [pb = '', nb = '0'] = b.split('-');
  return pa.localeCompare(pb) || Number(na) - Number(nb);
}
