/**
 * Reads issues: one GraphQL request per page through the SDK's `rawRequest`, with every relation
 * selected inline, filtered to the configured teams (and open states unless `includeCompleted`).
 */
import { TrackerError, type Issue } from '../../src/domain/index.js';
import type { PullPage, PullRequest } from '../connector.js';
import { send } from './client.js';
import { attachmentUrl, type LinearContext } from './context.js';
import { ISSUE_BY_ID, ISSUES_PAGE, PAGE_SIZE } from './queries.js';
import { IssueData, IssuesPageData, nodeToRecord, parseResponse } from './responses.js';
import type { LinearTrackerConfig } from './config.js';
import { CLOSED_STATE_TYPES, inScope, toIssue } from './to-issue.js';

/**
 * Incremental pulls start this much before `sinceIso`: an issue updated in the same instant as
 * the watermark, but committed after the last page was read, is picked up next time. Issues seen
 * twice are harmless (writes happen only on differences).
 */
export const SINCE_OVERLAP_MS = 2_000;

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
    filter['updatedAt'] = { gte: new Date(sinceMs - SINCE_OVERLAP_MS).toISOString() };
  }
  return filter;
}

export async function pullPage(ctx: LinearContext, req: PullRequest): Promise<PullPage> {
  const trackerId = ctx.mapping.trackerId;
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
  const { nodes, pageInfo } = data.issues;
  return {
    issues: nodes.map((node) =>
      toIssue(
        nodeToRecord(node, (k) => attachmentUrl(ctx, k)),
        ctx.mapping,
      ),
    ),
    nextCursor: pageInfo.hasNextPage ? pageInfo.endCursor : null,
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
    const { issue } = parseResponse(IssueData, raw, 'NetvalueIssue', trackerId);
    const record = nodeToRecord(issue, (k) => attachmentUrl(ctx, k));
    return inScope(record, ctx.mapping.config) ? toIssue(record, ctx.mapping) : null;
  } catch (err) {
    if (err instanceof TrackerError && err.kind === 'not_found') return null;
    throw err;
  }
}
