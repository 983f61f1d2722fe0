/**
 * Seeds the sandbox workspace from the shared backlog generator: teams ENG and OPS (the demo
 * config's) plus DES (not configured), a workspace `Value` label group whose labels use every
 * format people write (`$5k`, `$5,000`, `5000`, `$1.5k/mo`, `$60k/yr`) and one unreadable label, a
 * `Cost` group naming hours, estimates in points, some closed issues, some missing inputs and a
 * pinned issue; a few issues name ranges instead (`$3.5k-$7k`, `30-50h`). Same seed, same
 * workspace (ids included).
 */
import { generateBacklog, seededRandom, type BacklogItem } from '../../sandbox-kit/backlog.js';
import { Workspace, type SbIssue, type SbLabel, type SbTeam } from './data.js';

export interface SeedOptions {
  issues: number;
  seed?: number;
  includeExamples?: boolean;
}

export const SEEDED_TEAMS = [
  { key: 'ENG', name: 'Engineering', share: 0.5 },
  { key: 'OPS', name: 'Operations', share: 0.35 },
  { key: 'DES', name: 'Design', share: 0.15 },
] as const;
export const VALUE_GROUP = 'Value';
export const COST_GROUP = 'Cost';
export const PIN_LABEL = 'netvalue-pin';
/** The one Value label nobody can read as money: the issue is reported invalid with this text. */
export const UNREADABLE_VALUE_LABEL = 'TBD';

const STATES = [
  { name: 'Triage', type: 'triage', color: '#fc7840' },
  { name: 'Backlog', type: 'backlog', color: '#bec2c8' },
  { name: 'Todo', type: 'unstarted', color: '#e2e2e2' },
  { name: 'In Progress', type: 'started', color: '#f2c94c' },
  { name: 'Done', type: 'completed', color: '#5e6ad2' },
  { name: 'Canceled', type: 'canceled', color: '#95a2b3' },
] as const;

/** RFC 4122 v4 layout from the seeded generator, so ids are stable across runs. */
export function seededUuid(random: () => number): () => string {
  return () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
}

function compact(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

/** The formats of a monthly amount, cycled so every one appears in any backlog of 5+ items. */
export const VALUE_FORMATS: readonly ((usdPerMonth: number) => string)[] = [
  (v) => (v < 1000 ? `$${v}` : `$${compact(v / 1000)}k`),
  (v) => `$${v.toLocaleString('en-US')}`,
  (v) => String(v),
  (v) => (v < 1000 ? `$${v}/mo` : `$${compact(v / 1000)}k/mo`),
  (v) => `$${compact((v * 12) / 1000)}k/yr`,
];

function money(n: number): string {
  return n < 1000 ? `$${n}` : `$${compact(n / 1000)}k`;
}

/**
 * Seeded issues (after the method's two examples, never the unreadable one) whose Value and Cost
 * labels name a range: every 10th from the 6th. The ranges are symmetric around the amounts, so
 * the expected net value is the single-number one and only the risk figures come with the range.
 */
export function hasRangeLabels(index: number): boolean {
  return index >= 2 && index !== 7 && index % 10 === 6;
}

/** `$3.5k-$7k` around $5,250/mo: the amount -/+ a third, in $250 steps. */
export function valueRangeLabel(usdPerMonth: number): string {
  const d = Math.min(usdPerMonth, Math.max(250, Math.round(usdPerMonth / 3 / 250) * 250));
  return `${money(usdPerMonth - d)}-${money(usdPerMonth + d)}`;
}

/** `30-50h` around 40 h: the hours -/+ a quarter. */
export function hoursRangeLabel(hours: number): string {
  const d = hours / 4;
  return `${compact(hours - d)}-${compact(hours + d)}h`;
}

function pickTeam(random: () => number, teams: SbTeam[]): SbTeam {
  let roll = random();
  for (const [i, spec] of SEEDED_TEAMS.entries()) {
    roll -= spec.share;
    if (roll < 0) return teams[i] as SbTeam;
  }
  return teams[0] as SbTeam;
}

function pickStateType(random: () => number): string {
  const roll = random();
  if (roll < 0.1) return 'completed';
  if (roll < 0.13) return 'canceled';
  return (
    (['backlog', 'backlog', 'unstarted', 'started', 'triage'] as const)[Math.floor(random() * 5)] ??
    'backlog'
  );
}

function group(ws: Workspace, name: string): SbLabel {
  const label: SbLabel = {
    id: ws.newId(),
    name,
    color: '#5e6ad2',
    isGroup: true,
    parentId: null,
    teamId: null,
    createdAt: '2026-01-05T09:00:00.000Z',
  };
  ws.labels.push(label);
  return label;
}

export function seedWorkspace(options: SeedOptions): Workspace {
  const random = seededRandom((options.seed ?? 42) + 1);
  const ws = new Workspace(seededUuid(seededRandom((options.seed ?? 42) + 2)));
  const created = '2026-01-05T09:00:00.000Z';
  for (const spec of SEEDED_TEAMS) {
    const team: SbTeam = {
      id: ws.newId(),
      key: spec.key,
      name: spec.name,
      createdAt: created,
      nextNumber: 1,
    };
    ws.teams.push(team);
    STATES.forEach((s, position) =>
      ws.states.push({ id: ws.newId(), teamId: team.id, ...s, position }),
    );
  }
  const value = group(ws, VALUE_GROUP);
  const cost = group(ws, COST_GROUP);
  const backlog = generateBacklog({
    count: options.issues,
    seed: options.seed ?? 42,
    includeExamples: options.includeExamples ?? false,
  });
  // Seeded issues were last updated over the past 30 days, so "now" edits are always newer.
  const startMs = Date.now() - 30 * 24 * 3600_000;
  backlog.forEach((item, index) => {
    const team =
      index < 2 && options.includeExamples ? (ws.teams[0] as SbTeam) : pickTeam(random, ws.teams);
    const updatedAt = new Date(startMs + index * 60_000).toISOString();
    const issue: SbIssue = {
      id: ws.newId(),
      teamId: team.id,
      number: team.nextNumber++,
      previousIdentifiers: [],
      stateId: '',
      title: item.title,
      description: null,
      estimate: item.points,
      priority: Math.floor(random() * 5),
      prioritySortOrder: Math.round((random() * 200_000 - 100_000) * 100) / 100,
      sortOrder: Math.round(random() * 100_000 * 100) / 100,
      labelIds: labelsFor(ws, item, index, value.id, cost.id),
      createdAt: updatedAt,
      updatedAt,
      activity: [],
    };
    const type = index < 2 && options.includeExamples ? 'backlog' : pickStateType(random);
    issue.stateId = ws.stateOfType(team.id, type)?.id ?? '';
    ws.issues.push(issue);
  });
  return ws;
}

function labelsFor(
  ws: Workspace,
  item: BacklogItem,
  index: number,
  valueId: string,
  costId: string,
): string[] {
  const kind = { feature: 'Feature', 'tech-debt': 'Tech debt', bug: 'Bug' }[item.kind];
  const ids = [ws.ensureLabel(kind, null).id];
  if (item.valueUsdPerMonth !== null) {
    // Item 7 carries the unreadable label (after the examples, so they score as in docs/architecture.md).
    const format = hasRangeLabels(index)
      ? valueRangeLabel
      : (VALUE_FORMATS[index % VALUE_FORMATS.length] as (v: number) => string);
    const name = index === 7 ? UNREADABLE_VALUE_LABEL : format(item.valueUsdPerMonth);
    ids.push(ws.ensureLabel(name, valueId).id);
  }
  if (item.costHours !== null) {
    const name = hasRangeLabels(index) ? hoursRangeLabel(item.costHours) : `${item.costHours}h`;
    ids.push(ws.ensureLabel(name, costId).id);
  }
  if (index % 23 === 11) ids.push(ws.ensureLabel(PIN_LABEL, null).id);
  return ids;
}
