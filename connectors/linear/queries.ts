/**
 * Every GraphQL document the connector sends. Each one is checked against Linear's public schema
 * in test/integration/linear-schema.test.ts. Rules that keep them cheap and honest:
 * - every nested connection has an explicit `first`: Linear multiplies a connection's children by
 *   `first` (default 50) when it computes a query's complexity, and rejects queries above 10,000;
 * - only fields that exist both in the schema the SDK 88.x was generated from and in 98.x;
 * - relations are selected inline, never fetched lazily (no N+1).
 */

/**
 * Issues per page. Linear's complexity model (../shared/ref/linear.md: a scalar 0.1, an object 1,
 * a connection multiplies its nodes by `first`) makes nested connections the cost: with
 * `labels(first: 50)` an issue cost about 133 points, with `labels(first: 10)` about 37, so a page
 * of 50 costs about 1,850 (limit 10,000) and the hourly 3,000,000 points read about 80,000 issues.
 */
export const PAGE_SIZE = 50;
/**
 * Labels read with each issue. Issues rarely carry more; the few that do have
 * `labels.pageInfo.hasNextPage` set and get the rest with ISSUE_LABELS (pull.ts).
 */
export const LABELS_PER_ISSUE = 10;
/** Labels per follow-up page for an issue with more than LABELS_PER_ISSUE. */
export const MORE_LABELS_PAGE = 100;
/** netvalue's own attachment is one per issue (an upsert on its URL); 2 leaves room for a stale one. */
export const ATTACHMENTS_PER_ISSUE = 2;
/** Label groups and teams fetched at start (one page each; workspaces rarely have more). */
export const SETUP_PAGE_SIZE = 250;

/** The fields read per issue. `$attachmentUrlPrefix` selects netvalue's own attachment. */
const ISSUE_FIELDS = `
fragment NetvalueIssueFields on Issue {
  id
  identifier
  title
  url
  updatedAt
  estimate
  priority
  prioritySortOrder
  team { id key }
  state { type }
  labels(first: ${LABELS_PER_ISSUE}) {
    nodes { id name parent { id name } }
    pageInfo { hasNextPage endCursor }
  }
  attachments(first: ${ATTACHMENTS_PER_ISSUE}, filter: { url: { startsWith: $attachmentUrlPrefix } }) {
    nodes { id url subtitle }
  }
}`;

/**
 * Pages in creation order: an issue updated while the pages are read (netvalue's own writes during
 * a full run do that) keeps its place. In `updatedAt` order it jumped to the first page, already
 * read, and the run missed it and dropped it as out of scope (the soak: 111 issues in one run).
 */
export const ISSUES_PAGE = `
query NetvalueIssues($first: Int!, $after: String, $filter: IssueFilter, $attachmentUrlPrefix: String!) {
  issues(first: $first, after: $after, filter: $filter, orderBy: createdAt) {
    nodes { ...NetvalueIssueFields }
    pageInfo { hasNextPage endCursor }
  }
}
${ISSUE_FIELDS}`;

/**
 * Ids only, for the issues an incremental pull must forget (pull.ts, leaversFilter): an id costs
 * a fraction of a point, so a page of LEAVERS_PAGE_SIZE stays far below the 10,000 limit.
 */
export const ISSUE_IDS_PAGE = `
query NetvalueIssueIds($first: Int!, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter) {
    nodes { id }
    pageInfo { hasNextPage endCursor }
  }
}`;
/** Ids per leavers page, and pages read per incremental pull (more wait for the full reconcile). */
export const LEAVERS_PAGE_SIZE = 250;
export const LEAVERS_MAX_PAGES = 5;

export const ISSUE_BY_ID = `
query NetvalueIssue($id: String!, $attachmentUrlPrefix: String!) {
  issue(id: $id) { ...NetvalueIssueFields }
}
${ISSUE_FIELDS}`;

/** The labels of one issue after the first LABELS_PER_ISSUE (rare: many labels on one issue). */
export const ISSUE_LABELS = `
query NetvalueIssueLabels($id: String!, $first: Int!, $after: String) {
  issue(id: $id) {
    id
    labels(first: $first, after: $after) {
      nodes { id name parent { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** Who we are, every team, every label group: what create() and check() resolve in one request. */
export const SETUP = `
query NetvalueSetup($first: Int!) {
  viewer { id name email }
  teams(first: $first) { nodes { id key name } }
  issueLabels(first: $first, filter: { isGroup: { eq: true } }) {
    nodes { id name team { id key } }
  }
}`;

export const ISSUE_UPDATE = `
mutation NetvalueIssueUpdate($id: String!, $input: IssueUpdateInput!) {
  issueUpdate(id: $id, input: $input) { success lastSyncId issue { updatedAt } }
}`;

/**
 * Several issues in one request: one aliased `issueUpdate` per issue (u0, u1, ...). Each is still
 * its own mutation; the request counts once against the hourly quota.
 */
export function issueUpdates(count: number): string {
  const params = Array.from(
    { length: count },
    (_, i) => `$id${i}: String!, $input${i}: IssueUpdateInput!`,
  );
  const fields = Array.from(
    { length: count },
    (_, i) =>
      `  u${i}: issueUpdate(id: $id${i}, input: $input${i}) { success lastSyncId issue { updatedAt } }`,
  );
  return `mutation NetvalueIssueUpdates(${params.join(', ')}) {\n${fields.join('\n')}\n}`;
}

/** Linear upserts an attachment on (url, issueId): one attachment per issue, updated in place. */
export const ATTACHMENT_UPSERT = `
mutation NetvalueAttachmentUpsert($input: AttachmentCreateInput!) {
  attachmentCreate(input: $input) { success attachment { id } }
}`;

export const ATTACHMENT_FIND = `
query NetvalueAttachmentFind($id: String!, $url: String!) {
  issue(id: $id) {
    id
    attachments(first: 5, filter: { url: { eq: $url } }) { nodes { id } }
  }
}`;

export const ATTACHMENT_DELETE = `
mutation NetvalueAttachmentDelete($id: String!) {
  attachmentDelete(id: $id) { success }
}`;

/** Every document, by operation name, for the schema test. */
export const ALL_DOCUMENTS: Readonly<Record<string, string>> = {
  NetvalueIssues: ISSUES_PAGE,
  NetvalueIssue: ISSUE_BY_ID,
  NetvalueIssueIds: ISSUE_IDS_PAGE,
  NetvalueIssueLabels: ISSUE_LABELS,
  NetvalueSetup: SETUP,
  NetvalueIssueUpdate: ISSUE_UPDATE,
  NetvalueIssueUpdates: issueUpdates(3),
  NetvalueAttachmentUpsert: ATTACHMENT_UPSERT,
  NetvalueAttachmentFind: ATTACHMENT_FIND,
  NetvalueAttachmentDelete: ATTACHMENT_DELETE,
};
