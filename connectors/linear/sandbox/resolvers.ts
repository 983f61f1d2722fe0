/**
 * Resolvers for the sandbox schema, as plain objects whose function-valued fields graphql-js's
 * default resolver calls with the field's arguments. Relations resolve lazily, so a query only
 * pays for what it selects. Connections paginate forward with opaque cursors (the node id).
 */
import type { SbAttachment, SbIssue, SbLabel, SbState, SbTeam, Workspace } from './data.js';
import { PRIORITY_LABELS } from './data.js';
import { linearError } from './errors.js';
import { attachmentMatches, issueMatches, labelMatches, teamMatches } from './filters.js';

/** Linear's default page size when `first` is omitted. */
export const DEFAULT_FIRST = 50;
export const MAX_FIRST = 250;

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  filter?: Record<string, unknown> | null;
  orderBy?: 'createdAt' | 'updatedAt' | null;
}

function connection<T extends { id: string }, V>(
  items: T[],
  args: ConnectionArgs,
  view: (item: T) => V,
) {
  if (args.last != null || args.before != null) {
    throw linearError(
      'invalidInput',
      'backward pagination (last/before) is not supported by the sandbox',
    );
  }
  const first = args.first ?? DEFAULT_FIRST;
  if (first < 0 || first > MAX_FIRST) {
    throw linearError('invalidInput', `first must be between 0 and ${MAX_FIRST}, got ${first}`);
  }
  let start = 0;
  if (args.after != null) {
    const at = items.findIndex((item) => item.id === args.after);
    if (at < 0) throw linearError('invalidInput', `unknown cursor ${args.after}`);
    start = at + 1;
  }
  const page = items.slice(start, start + first);
  return {
    nodes: page.map(view),
    edges: page.map((item) => ({ node: view(item), cursor: item.id })),
    pageInfo: {
      startCursor: page[0]?.id ?? null,
      endCursor: page[page.length - 1]?.id ?? null,
      hasPreviousPage: start > 0,
      hasNextPage: start + first < items.length,
    },
  };
}

/** Newest first by the chosen timestamp, then by id, so pages are stable. */
function ordered<T extends { id: string; createdAt: string; updatedAt?: string }>(
  items: T[],
  orderBy: ConnectionArgs['orderBy'],
): T[] {
  const key = (item: T): string =>
    orderBy === 'updatedAt' ? (item.updatedAt ?? item.createdAt) : item.createdAt;
  return [...items].sort((a, b) => key(b).localeCompare(key(a)) || a.id.localeCompare(b.id));
}

export function teamView(team: SbTeam) {
  return {
    id: team.id,
    key: team.key,
    name: team.name,
    createdAt: team.createdAt,
    updatedAt: team.createdAt,
  };
}

function stateView(ws: Workspace, state: SbState) {
  return { ...state, team: () => teamView(ws.team(state.teamId)) };
}

function labelView(ws: Workspace, label: SbLabel): Record<string, unknown> {
  return {
    id: label.id,
    name: label.name,
    color: label.color,
    isGroup: label.isGroup,
    createdAt: label.createdAt,
    updatedAt: label.createdAt,
    parent: () =>
      label.parentId === null ? null : labelView(ws, ws.label(label.parentId) as SbLabel),
    team: () => (label.teamId === null ? null : teamView(ws.team(label.teamId))),
  };
}

export function attachmentView(ws: Workspace, a: SbAttachment): Record<string, unknown> {
  return { ...a, issue: () => issueView(ws, ws.issueOrThrow(a.issueId)) };
}

export function issueView(ws: Workspace, issue: SbIssue): Record<string, unknown> {
  return {
    id: issue.id,
    identifier: ws.identifier(issue),
    number: issue.number,
    title: issue.title,
    description: issue.description,
    url: ws.url(issue),
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    archivedAt: null,
    estimate: issue.estimate,
    priority: issue.priority,
    priorityLabel: PRIORITY_LABELS[issue.priority] ?? 'No priority',
    prioritySortOrder: issue.prioritySortOrder,
    sortOrder: issue.sortOrder,
    labelIds: issue.labelIds,
    team: () => teamView(ws.team(issue.teamId)),
    state: () => stateView(ws, ws.state(issue.stateId)),
    labels: (args: ConnectionArgs) => {
      const labels = issue.labelIds.map((id) => ws.label(id)).filter((l): l is SbLabel => !!l);
      return connection(
        labels.filter((l) => labelMatches(ws, args.filter, l)),
        args,
        (l) => labelView(ws, l),
      );
    },
    attachments: (args: ConnectionArgs) => {
      const list = ordered(ws.attachmentsOf(issue.id), args.orderBy).filter((a) =>
        attachmentMatches(args.filter, a),
      );
      return connection(list, args, (a) => attachmentView(ws, a));
    },
  };
}

export function queryRoot(ws: Workspace): Record<string, unknown> {
  return {
    viewer: () => ({
      ...ws.viewer,
      active: true,
      createdAt: '2026-01-05T09:00:00.000Z',
      updatedAt: '2026-01-05T09:00:00.000Z',
    }),
    teams: (args: ConnectionArgs) =>
      connection(
        ws.teams.filter((t) => teamMatches(args.filter, t)),
        args,
        teamView,
      ),
    issues: (args: ConnectionArgs) => {
      const matching = ws.issues.filter((i) => issueMatches(ws, args.filter, i));
      return connection(ordered(matching, args.orderBy), args, (i) => issueView(ws, i));
    },
    issue: (args: { id: string }) => issueView(ws, ws.issueOrThrow(args.id)),
    issueLabels: (args: ConnectionArgs) =>
      connection(
        ws.labels.filter((l) => labelMatches(ws, args.filter, l)),
        args,
        (l) => labelView(ws, l),
      ),
  };
}
