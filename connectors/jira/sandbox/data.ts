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
  valueLow: 'customfield_10044',
  valueHigh: 'customfield_10045',
  costLow: 'customfield_10046',
  costHigh: 'customfield_10047',
  valueImpact: 'customfield_10048',
  netValueLow: 'customfield_10052',
  netValueHigh: 'customfield_10053',
  confidence: 'customfield_10054',
} as const;

/** The names of the sandbox's range, impact and risk fields (a tracker's `fields` may use them). */
export const SANDBOX_RANGE_FIELD_NAMES = {
  valueLow: 'Value low ($/month)',
  valueHigh: 'Value high ($/month)',
  costLow: 'Cost low (hours)',
  costHigh: 'Cost high (hours)',
  valueImpact: 'Value impact',
  netValueLow: 'Net value P10',
  netValueHigh: 'Net value P90',
  confidence: 'Net value confidence (%)',
} as const;

/**
 * Seeded issues (after the method's two examples) that carry a three-point range: every 6th from
 * the 4th. The ranges are symmetric around the most likely amounts, so the expected net value is
 * the single-number one and only the risk figures (P10, P90, confidence) come with the range.
 */
export function hasSeededRange(index: number): boolean {
  return index >= 2 && index % 6 === 3;
}

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
    field(F.valueLow, SANDBOX_RANGE_FIELD_NAMES.valueLow, number(FLOAT, F.valueLow)),
    field(F.valueHigh, SANDBOX_RANGE_FIELD_NAMES.valueHigh, number(FLOAT, F.valueHigh)),
    field(F.costLow, SANDBOX_RANGE_FIELD_NAMES.costLow, number(FLOAT, F.costLow)),
    field(F.costHigh, SANDBOX_RANGE_FIELD_NAMES.costHigh, number(FLOAT, F.costHigh)),
    field(F.valueImpact, SANDBOX_RANGE_FIELD_NAMES.valueImpact, {
      type: 'string',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield',
      customId: 10048,
    }),
    field(F.netValueLow, SANDBOX_RANGE_FIELD_NAMES.netValueLow, number(FLOAT, F.netValueLow)),
    field(F.netValueHigh, SANDBOX_RANGE_FIELD_NAMES.netValueHigh, number(FLOAT, F.netValueHigh)),
    field(F.confidence, SANDBOX_RANGE_FIELD_NAMES.confidence, number(FLOAT, F.confidence)),
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
        ...seededRange(item.valueUsdPerMonth, item.costHours, i),
        [SANDBOX_FIELDS.valueImpact]: null,
        [SANDBOX_FIELDS.netValueLow]: null,
        [SANDBOX_FIELDS.netValueHigh]: null,
        [SANDBOX_FIELDS.confidence]: null,
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

/** The range fields of a seeded issue: symmetric ranges on some, empty on the rest. */
function seededRange(
  value: number | null,
  costHours: number | null,
  index: number,
): Record<string, number | null> {
  const F = SANDBOX_FIELDS;
  const ranged = hasSeededRange(index);
  // Value -/+ a third (in $250 steps), Cost -/+ a quarter: the means stay the amounts themselves.
  const dv = value === null ? 0 : Math.min(value, Math.max(250, Math.round(value / 3 / 250) * 250));
  const dc = costHours === null ? 0 : costHours / 4;
  return {
    [F.valueLow]: ranged && value !== null ? value - dv : null,
    [F.valueHigh]: ranged && value !== null ? value + dv : null,
    [F.costLow]: ranged && costHours !== null ? costHours - dc : null,
    [F.costHigh]: ranged && costHours !== null ? costHours + dc : null,
  };
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
