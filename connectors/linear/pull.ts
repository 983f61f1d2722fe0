/**
 * Reads issues: one GraphQL request per page through the SDK's `rawRequest`, with every relation
 * selected inline, filtered to the configured teams (and open states unless `includeCompleted`).
 */
import type { z } from 'zod';
import { TrackerError, type Issue } from '../../src/domain/index.js';
import type { PullPage, PullRequest } from '../connector.js';
import { send } from './client.js';
import { attachmentUrl, type LinearContext } from './context.js';
import {
  ISSUE_BY_ID,
  ISSUE_IDS_PAGE,
  ISSUE_LABELS,
  ISSUES_PAGE,
  LEAVERS_MAX_PAGES,
  LEAVERS_PAGE_SIZE,
  MORE_LABELS_PAGE,
  PAGE_SIZE,
} from './queries.js';
import {
  IssueData,
  IssueIdsPageData,
  IssueLabelsData,
  IssuesPageData,
  nodeToRecord,
  parseResponse,
  type IssueNode,
} from './responses.js';
import type { LinearTrackerConfig } from './config.js';
import { CLOSED_STATE_TYPES, inScope, toIssue } from './to-issue.js';

/**
 * Incremental pulls start this much before `sinceIso`: an issue updated in the same instant as
 * the watermark, but committed after the last page was read, is picked up next time. Issues seen
 * twice are harmless (writes happen only on differences).
 */
export const SINCE_OVERLAP_MS = 2_000;

/**
 * The issues in scope; on an incremental pull, those updated since `sinceIso` (less the overlap)
 * except the ones whose every change since was netvalue's own.
 *
 * Our writes bump `updatedAt`, so an `updatedAt` filter alone re-reads every issue we just wrote.
 * Linear records each change in the issue's activity (IssueHistory: title, state, team, labels,
 * estimate, priority, ...) with the user who made it, and `IssueFilter.activity` filters on it.
 * An issue updated since the watermark is read when either
 * - some activity since then is by a user other than the API key's (`isMe: false`): a person
 *   edited it, whether before or after our write, or
 * - no activity since then is ours: nothing we did explains the update (an edit without an
 *   activity entry, an issue we never wrote).
 * So the only issues left out are those with an activity of ours since the watermark and no
 * activity of anyone else's: their only changes were our own writes, which we already hold.
 * No person's edit made during or after the previous run can be lost that way: it is an
 * activity by that person, dated after the watermark (the previous run's start, minus the
 * overlap), and an edit from before the watermark was read by the previous run, which pulled
 * after it started. Caveat: Linear leaves the actor empty for some integrations and automations;
 * such a change, on an issue we also wrote since the watermark, waits for its webhook or the
 * next full reconcile (`sync.fullEverySec`).
 */
export function issueFilter(
  config: LinearTrackerConfig,
  sinceIso: string | null,
  trackerId: string,
): Record<string, unknown> {
  const filter: Record<string, unknown> = { team: { key: { in: [...config.teams] } } };
  if (!config.includeCompleted) filter['state'] = { type: { nin: [...CLOSED_STATE_TYPES] } };
  if (sinceIso !== null) {
    const sinceMs = Date.parse(sinceIso);
    if (!Number.isFinite(sinceMs)) {
      throw new TrackerError('permanent', `sinceIso must be an ISO-8601 time, got '${sinceIso}'`, {
        trackerId,
      });
    }
    const since = new Date(sinceMs - SINCE_OVERLAP_MS).toISOString();
    filter['updatedAt'] = { gte: since };
    filter['or'] = [
      { activity: { some: { updatedAt: { gte: since }, user: { isMe: { eq: false } } } } },
      {
        activity: {
          every: { or: [{ updatedAt: { lt: since } }, { user: { isMe: { eq: false } } }] },
        },
      },
    ];
  }
  return filter;
}

/**
 * Issues updated since the watermark that are out of scope now: moved to a team not synced, or
 * (unless `includeCompleted`) completed or canceled. The pull's own filter cannot return them, so
 * without this an issue that left the scope kept being ranked and written until the next full
 * reconcile (the soak found writes to such issues a minute after they left; docs/architecture.md).
 * Ids of issues we never held come back too (other teams' updates); forgetting them is a no-op.
 */
export function leaversFilter(
  config: LinearTrackerConfig,
  sinceIso: string,
): Record<string, unknown> {
  const since = new Date(Date.parse(sinceIso) - SINCE_OVERLAP_MS).toISOString();
  const left: Record<string, unknown>[] = [{ team: { key: { nin: [...config.teams] } } }];
  if (!config.includeCompleted) left.push({ state: { type: { in: [...CLOSED_STATE_TYPES] } } });
  return { updatedAt: { gte: since }, or: left };
}

type IdsPage = z.infer<typeof IssueIdsPageData>['issues'];

/** Ids of the issues `leaversFilter` finds, read with an incremental pull's first page. */
export async function leavers(ctx: LinearContext, sinceIso: string | null): Promise<string[]> {
  if (sinceIso === null || !Number.isFinite(Date.parse(sinceIso))) return [];
  const filter = leaversFilter(ctx.mapping.config, sinceIso);
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < LEAVERS_MAX_PAGES; page++) {
    const raw: unknown = await send<unknown>(
      ctx.api,
      'read',
      { action: `find issues that left the scope since ${sinceIso}` },
      ISSUE_IDS_PAGE,
      { first: LEAVERS_PAGE_SIZE, after, filter },
    );
    const { issues }: { issues: IdsPage } = parseResponse(
      IssueIdsPageData,
      raw,
      'NetvalueIssueIds',
      ctx.mapping.trackerId,
    );
    ids.push(...issues.nodes.map((n) => n.id));
    if (!issues.pageInfo.hasNextPage || issues.pageInfo.endCursor === null) break;
    after = issues.pageInfo.endCursor;
  }
  return ids;
}

/**
 * Pages carry the first LABELS_PER_ISSUE labels of each issue; the rare issue with more gets the
 * rest here, one small query per further page of labels, so its inputs see every label.
 */
async function withAllLabels(ctx: LinearContext, node: IssueNode): Promise<IssueNode> {
  let page = node.labels;
  const labels = [...page.nodes];
  while (page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null) {
    const raw = await send(
      ctx.api,
      'read',
      { action: `read the labels of ${node.identifier}` },
      ISSUE_LABELS,
      { id: node.id, first: MORE_LABELS_PAGE, after: page.pageInfo.endCursor },
    );
    page = parseResponse(IssueLabelsData, raw, 'NetvalueIssueLabels', ctx.mapping.trackerId).issue
      .labels;
    labels.push(...page.nodes);
  }
  return labels.length === node.labels.nodes.length
    ? node
    : { ...node, labels: { nodes: labels, pageInfo: page.pageInfo } };
}

export async function pullPage(ctx: LinearContext, req: PullRequest): Promise<PullPage> {
  const trackerId = ctx.mapping.trackerId;
  // Leavers are read with the first page of an incremental pull (before it: same result).
  const removedIds = req.cursor === null ? await leavers(ctx, req.sinceIso) : [];
  const variables = {
    first: PAGE_SIZE,
    after: req.cursor,
    filter: issueFilter(ctx.mapping.config, req.sinceIso, trackerId),
    attachmentUrlPrefix: ctx.attachmentUrlPrefix,
  };
  const action =
    req.sinceIso === null ? 'pull issues' : `pull issues updated since ${req.sinceIso}`;
  const raw = await send(ctx.api, 'read', { action }, ISSUES_PAGE, variables);
  const data = parseResponse(IssuesPageData, raw, 'NetvalueIssues', trackerId);
  const { pageInfo } = data.issues;
  const nodes: IssueNode[] = [];
  for (const node of data.issues.nodes) nodes.push(await withAllLabels(ctx, node));
  return {
    issues: nodes.map((node) =>
      toIssue(
        nodeToRecord(node, (k) => attachmentUrl(ctx, k)),
        ctx.mapping,
      ),
    ),
    nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null,
    ...(removedIds.length > 0 ? { removedIds } : {}),
  };
}

/** One issue by id (UUID or identifier); null when it is gone or out of scope. */
export async function fetchIssue(ctx: LinearContext, id: string): Promise<Issue | null> {
  const trackerId = ctx.mapping.trackerId;
  try {
    const raw = await send(ctx.api, 'read', { action: `read issue ${id}` }, ISSUE_BY_ID, {
      id,
      attachmentUrlPrefix: ctx.attachmentUrlPrefix,
    });
    const issue = await withAllLabels(
      ctx,
      parseResponse(IssueData, raw, 'NetvalueIssue', trackerId).issue,
    );
    const record = nodeToRecord(issue, (k) => attachmentUrl(ctx, k));
    return inScope(record, ctx.mapping.config) ? toIssue(record, ctx.mapping) : null;
  } catch (err) {
    if (err instanceof TrackerError && err.kind === 'not_found') return null;
    throw err;
  }
}
