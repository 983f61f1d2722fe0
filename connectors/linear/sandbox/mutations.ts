/**
 * The sandbox's mutations: `issueUpdate` (the fields netvalue and the test API change),
 * `attachmentCreate` (an upsert on url + issueId, as Linear documents) and `attachmentDelete`.
 * Input is validated the way Linear answers bad input: `invalid input` errors naming the field.
 */
import type { SbIssue, Workspace } from './data.js';
import { linearError } from './errors.js';
import { attachmentView, issueView } from './resolvers.js';

interface IssueUpdateInput {
  title?: string | null;
  estimate?: number | null;
  priority?: number | null;
  prioritySortOrder?: number | null;
  sortOrder?: number | null;
  labelIds?: string[] | null;
  stateId?: string | null;
  teamId?: string | null;
}

interface AttachmentCreateInput {
  id?: string | null;
  issueId: string;
  url: string;
  title: string;
  subtitle?: string | null;
  iconUrl?: string | null;
  metadata?: Record<string, unknown> | null;
}

function invalid(field: string, message: string): never {
  throw linearError(
    'invalidInput',
    `Argument Validation Error: ${field} ${message}`,
    `${field} ${message}`,
  );
}

function applyUpdate(ws: Workspace, issue: SbIssue, input: IssueUpdateInput): void {
  if (input.priority != null) {
    if (!Number.isInteger(input.priority) || input.priority < 0 || input.priority > 4)
      invalid('priority', 'must be between 0 and 4');
    issue.priority = input.priority;
  }
  if (input.estimate !== undefined) {
    if (input.estimate !== null && input.estimate < 0) invalid('estimate', 'must not be negative');
    issue.estimate = input.estimate;
  }
  if (input.prioritySortOrder != null) issue.prioritySortOrder = input.prioritySortOrder;
  if (input.sortOrder != null) issue.sortOrder = input.sortOrder;
  if (input.title != null) issue.title = input.title;
  if (input.labelIds != null) {
    const unknown = input.labelIds.filter((id) => !ws.label(id));
    if (unknown.length > 0) invalid('labelIds', `contains unknown labels ${unknown.join(', ')}`);
    issue.labelIds = [...input.labelIds];
  }
  if (input.teamId != null) {
    const team = ws.teams.find((t) => t.id === input.teamId);
    if (!team) invalid('teamId', 'is not a team');
    ws.moveToTeam(issue, team);
  }
  if (input.stateId != null) {
    const state = ws.states.find((s) => s.id === input.stateId);
    if (!state || state.teamId !== issue.teamId)
      invalid('stateId', "is not a state of the issue's team");
    issue.stateId = state.id;
  }
}

export function mutationRoot(ws: Workspace): Record<string, unknown> {
  return {
    issueUpdate: (args: { id: string; input: IssueUpdateInput }) => {
      const issue = ws.issueOrThrow(args.id);
      applyUpdate(ws, issue, args.input);
      ws.changed(issue, ws.viewer.id); // every API call is the API key's user's
      return { success: true, lastSyncId: ws.lastSyncId, issue: () => issueView(ws, issue) };
    },
    attachmentCreate: (args: { input: AttachmentCreateInput }) => {
      const { input } = args;
      const issue = ws.issueOrThrow(input.issueId);
      if (input.url.trim() === '') invalid('url', 'must not be empty');
      if (input.title.trim() === '') invalid('title', 'must not be empty');
      const attachment = ws.upsertAttachment({
        ...(input.id ? { id: input.id } : {}),
        issueId: issue.id,
        url: input.url,
        title: input.title,
        subtitle: input.subtitle ?? null,
        metadata: input.metadata ?? {},
      });
      return {
        success: true,
        lastSyncId: ws.lastSyncId,
        attachment: () => attachmentView(ws, attachment),
      };
    },
    attachmentDelete: (args: { id: string }) => {
      ws.deleteAttachment(args.id);
      return { success: true, lastSyncId: ws.lastSyncId, entityId: args.id };
    },
  };
}
