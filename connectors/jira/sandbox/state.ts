/** The sandbox's mutable site: issues, fields, screens, and the account the API token belongs to. */
import type { FieldDetails } from '../fields.js';
import { SANDBOX_FIELDS, type SandboxIssue, type StatusName } from './data.js';
import { BUCKETS, bucketOf, initialRanks, rankBetween } from './rank.js';

export interface SandboxAccount {
  accountId: string;
  displayName: string;
  email: string;
  apiToken: string;
  timeZone: string;
}

/**
 * What the API account administers: `jira` is the global Administer Jira permission, `projects`
 * the project keys where it has Administer Projects. Either lets an edit send notifyUsers=false.
 */
export interface AdminRights {
  jira: boolean;
  projects: string[];
}

/** Who a person is when a test edits an issue "by hand". */
export const HUMAN_ACCOUNT_ID = '5b10ac8d82e05b22cc7d4ef5';

export class SandboxState {
  readonly issues = new Map<string, SandboxIssue>();
  /** Field ids left off every edit screen: edits of them answer Jira's "appropriate screen" 400. */
  readonly offScreen = new Set<string>();
  /** Issue ids the next rank calls fail for (answered 207 with a failing entry). */
  readonly rankFailures = new Set<string>();
  baseUrl = '';
  /** The account's admin rights (none unless a test grants them). */
  adminRights: AdminRights = { jira: false, projects: [] };

  constructor(
    readonly account: SandboxAccount,
    readonly fields: FieldDetails[],
    readonly now: () => number,
    seeded: SandboxIssue[],
  ) {
    for (const issue of seeded) this.issues.set(issue.id, issue);
  }

  /** By id or key (keys case-insensitively, as Jira does). */
  find(idOrKey: string): SandboxIssue | undefined {
    const byId = this.issues.get(idOrKey);
    if (byId) return byId;
    const key = idOrKey.toUpperCase();
    return [...this.issues.values()].find((i) => i.key === key);
  }

  inRankOrder(): SandboxIssue[] {
    return [...this.issues.values()].sort((a, b) =>
      a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0,
    );
  }

  /** Whether the account may send notifyUsers=false on an edit of an issue of `project`. */
  maySuppressNotifications(project: string): boolean {
    return this.adminRights.jira || this.adminRights.projects.includes(project);
  }

  /**
   * Jira's LexoRank rebalancing: every issue's Rank value is rewritten into the next bucket, evenly
   * spaced, in the same order. `updated` is not touched and no change is noted (no webhook).
   */
  rebalanceRanks(): void {
    const ordered = this.inRankOrder();
    const bucket = (bucketOf(ordered.at(-1)?.rank ?? '') + 1) % BUCKETS;
    const ranks = initialRanks(ordered.length, bucket);
    ordered.forEach((issue, i) => (issue.rank = ranks[i] as string));
  }

  field(id: string): FieldDetails | undefined {
    return this.fields.find((f) => f.id === id);
  }

  /** Sets field values (custom ids, summary, labels, status), bumps `updated`, notes the change. */
  apply(issue: SandboxIssue, values: Record<string, unknown>, accountId: string): void {
    for (const [id, value] of Object.entries(values)) {
      if (id === 'summary') issue.summary = String(value);
      else if (id === 'status') issue.status = value as StatusName;
      else if (id === 'labels') issue.labels = [...(value as string[])];
      else issue.values[id] = value;
    }
    this.touch(issue, Object.keys(values), accountId);
  }

  touch(issue: SandboxIssue, fieldIds: string[], accountId: string): void {
    issue.updatedMs = Math.max(this.now(), issue.updatedMs);
    issue.lastChange = { fieldIds, accountId };
  }

  /** Places `moving` (in this order) right before or after `anchor`; only they get new ranks. */
  rank(
    moving: SandboxIssue[],
    anchor: SandboxIssue,
    place: 'before' | 'after',
    accountId: string,
  ): void {
    const movingIds = new Set(moving.map((i) => i.id));
    // The anchor's neighbour among the issues that stay: one pass, no sort (ranks are unique).
    let neighbour: string | null = null;
    for (const issue of this.issues.values()) {
      if (movingIds.has(issue.id) || issue === anchor) continue;
      const r = issue.rank;
      if (place === 'before' && r < anchor.rank && (neighbour === null || r > neighbour))
        neighbour = r;
      if (place === 'after' && r > anchor.rank && (neighbour === null || r < neighbour))
        neighbour = r;
    }
    let low = place === 'before' ? neighbour : anchor.rank;
    const high = place === 'before' ? anchor.rank : neighbour;
    for (const issue of moving) {
      issue.rank = rankBetween(low, high);
      low = issue.rank;
      this.touch(issue, [SANDBOX_FIELDS.rank], accountId);
    }
  }
}
