/**
 * The sandbox workspace: teams, workflow states, labels, issues and attachments in memory, with
 * the few state changes Linear's API makes (issue update, attachment upsert/delete) and the ones
 * a person makes in the UI (`editIssue` in index.ts). Every change bumps `updatedAt`, strictly
 * increasing, as incremental pulls rely on it.
 */
import { linearError } from './errors.js';

export interface SbTeam {
  id: string;
  key: string;
  name: string;
  createdAt: string;
  nextNumber: number;
}
export interface SbState {
  id: string;
  teamId: string;
  name: string;
  type: string;
  color: string;
  position: number;
}
export interface SbLabel {
  id: string;
  name: string;
  color: string;
  isGroup: boolean;
  parentId: string | null;
  teamId: string | null;
  createdAt: string;
}
/**
 * One entry of an issue's activity (Linear's IssueHistory): who changed it (null for an
 * integration or automation), when. Linear groups a user's changes within a short window into one
 * entry; the sandbox records one per change.
 */
export interface SbActivity {
  userId: string | null;
  createdAt: string;
  updatedAt: string;
}
/** Activity entries kept per issue (the oldest go first; filters look at recent ones). */
const ACTIVITY_KEPT = 50;

export interface SbIssue {
  id: string;
  teamId: string;
  number: number;
  previousIdentifiers: string[];
  stateId: string;
  title: string;
  description: string | null;
  estimate: number | null;
  priority: number;
  prioritySortOrder: number;
  sortOrder: number;
  labelIds: string[];
  createdAt: string;
  updatedAt: string;
  activity: SbActivity[];
}
export interface SbAttachment {
  id: string;
  issueId: string;
  url: string;
  title: string;
  subtitle: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export const PRIORITY_LABELS = ['No priority', 'Urgent', 'High', 'Medium', 'Low'] as const;

export class Workspace {
  readonly viewer = {
    id: '',
    name: 'netvalue bot',
    displayName: 'netvalue',
    email: 'netvalue-bot@example.com',
  };
  /** The person whose edits `editIssue` plays (anyone but the API key's user). */
  readonly person = { id: '', name: 'Sandbox person' };
  readonly teams: SbTeam[] = [];
  readonly states: SbState[] = [];
  readonly labels: SbLabel[] = [];
  readonly issues: SbIssue[] = [];
  readonly attachments: SbAttachment[] = [];
  lastSyncId = 1000;
  private lastUpdateMs = 0;
  /**
   * How far the workspace's clock runs ahead of the machine's (negative: behind), for tests of
   * a tracker whose clock differs from netvalue's.
   */
  clockOffsetMs = 0;

  constructor(readonly newId: () => string) {
    this.viewer.id = newId();
    this.person.id = newId();
  }

  /** An issue changed by `userId` (null: an automation): bumps updatedAt and records the activity. */
  changed(issue: SbIssue, userId: string | null): void {
    issue.updatedAt = this.touch();
    issue.activity.push({ userId, createdAt: issue.updatedAt, updatedAt: issue.updatedAt });
    if (issue.activity.length > ACTIVITY_KEPT) issue.activity.splice(0, 1);
  }

  /** Strictly increasing "now", so two edits in one millisecond still order by updatedAt. */
  touch(): string {
    this.lastUpdateMs = Math.max(Date.now() + this.clockOffsetMs, this.lastUpdateMs + 1);
    this.lastSyncId++;
    return new Date(this.lastUpdateMs).toISOString();
  }

  team(id: string): SbTeam {
    return this.teams.find((t) => t.id === id) as SbTeam;
  }
  teamByKey(key: string): SbTeam | undefined {
    return this.teams.find((t) => t.key === key);
  }
  state(id: string): SbState {
    return this.states.find((s) => s.id === id) as SbState;
  }
  stateOfType(teamId: string, type: string): SbState | undefined {
    return this.states.find((s) => s.teamId === teamId && s.type === type);
  }
  label(id: string): SbLabel | undefined {
    return this.labels.find((l) => l.id === id);
  }
  identifier(issue: SbIssue): string {
    return `${this.team(issue.teamId).key}-${issue.number}`;
  }
  /** Linear's `issue(id)` takes the UUID or an identifier, current or previous. */
  findIssue(idOrIdentifier: string): SbIssue | undefined {
    // Ids are what the connector sends; matching them first skips building identifiers.
    const byId = this.issues.find((i) => i.id === idOrIdentifier);
    if (byId) return byId;
    return this.issues.find(
      (i) =>
        i.id === idOrIdentifier ||
        this.identifier(i) === idOrIdentifier ||
        i.previousIdentifiers.includes(idOrIdentifier),
    );
  }
  issueOrThrow(idOrIdentifier: string): SbIssue {
    const issue = this.findIssue(idOrIdentifier);
    if (!issue)
      throw linearError('notFound', 'Entity not found: Issue', 'Could not find referenced Issue.');
    return issue;
  }
  url(issue: SbIssue): string {
    return `https://linear.app/sandbox/issue/${this.identifier(issue)}`;
  }

  /** A label by name in a group (or ungrouped when `groupId` is null), created when missing. */
  ensureLabel(name: string, groupId: string | null): SbLabel {
    const found = this.labels.find((l) => l.name === name && l.parentId === groupId && !l.isGroup);
    if (found) return found;
    const label: SbLabel = {
      id: this.newId(),
      name,
      color: '#95a2b3',
      isGroup: false,
      parentId: groupId,
      teamId: null,
      createdAt: new Date().toISOString(),
    };
    this.labels.push(label);
    return label;
  }

  /** Moving an issue to another team gives it the next number there, as Linear does. */
  moveToTeam(issue: SbIssue, team: SbTeam): void {
    if (issue.teamId === team.id) return;
    const state = this.state(issue.stateId);
    issue.previousIdentifiers.push(this.identifier(issue));
    issue.teamId = team.id;
    issue.number = team.nextNumber++;
    issue.stateId =
      (this.stateOfType(team.id, state.type) ?? this.stateOfType(team.id, 'backlog'))?.id ??
      issue.stateId;
  }

  attachmentsOf(issueId: string): SbAttachment[] {
    return this.attachments.filter((a) => a.issueId === issueId);
  }

  /** `attachmentCreate` is an upsert on (url, issueId). */
  upsertAttachment(
    input: Omit<SbAttachment, 'id' | 'createdAt' | 'updatedAt'> & { id?: string },
  ): SbAttachment {
    const now = this.touch();
    const existing = this.attachments.find(
      (a) => a.issueId === input.issueId && a.url === input.url,
    );
    if (existing) {
      Object.assign(existing, {
        title: input.title,
        subtitle: input.subtitle,
        metadata: input.metadata,
        updatedAt: now,
      });
      return existing;
    }
    const created: SbAttachment = {
      ...input,
      id: input.id ?? this.newId(),
      createdAt: now,
      updatedAt: now,
    };
    this.attachments.push(created);
    return created;
  }

  deleteAttachment(id: string): void {
    const index = this.attachments.findIndex((a) => a.id === id);
    if (index < 0)
      throw linearError(
        'notFound',
        'Entity not found: Attachment',
        'Could not find referenced Attachment.',
      );
    this.attachments.splice(index, 1);
    this.touch();
  }
}
