/**
 * The board's current Rank values of every issue in scope (`TrackerOrder.currentRanks`), for when
 * the stored ones may be stale: Jira rewrites Rank values without touching `updated` (LexoRank
 * rebalancing, moves by other tools through the rank API), so incremental pulls miss them, and a
 * plan on a mix of old and new values moves issues that are already in place.
 *
 * One enhanced-search pass over the full pull's scope (the configured JQL, `ORDER BY Rank ASC`)
 * asking for the Rank field only. `maxResults` is 5000, the most the endpoint returns per page
 * (the OpenAPI text: "The greatest number of items returned per page is achieved when requesting
 * `id` or `key` only. It returns max 5000 issues."). Jira may return fewer per page when fields are
 * asked for (how many fewer for one field is not documented), so pages are followed by
 * `nextPageToken`, never by size.
 */
import { z } from 'zod';
import { TrackerError, type TrackerRank } from '../../src/domain/index.js';
import { send } from './client.js';
import { errorContext, type JiraContext } from './context.js';
import { rankOrderJql } from './jql.js';

/** The largest page the enhanced search serves (for id/key-only requests; ours is close to that). */
export const RANK_PAGE_SIZE = 5000;

const RankPage = z.looseObject({
  issues: z
    .array(
      z.looseObject({
        id: z.string(),
        fields: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .default([]),
  // Absent on the last page (JRACLOUD-92184); some sites sent null.
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

export async function currentRanks(ctx: JiraContext): Promise<Map<string, TrackerRank>> {
  const trackerId = ctx.config.id;
  const rankField = ctx.fields.rank;
  if (!rankField) {
    throw new TrackerError('permanent', `Jira tracker "${trackerId}" has no Rank field`, {
      trackerId,
    });
  }
  const jql = rankOrderJql(ctx.config.jql);
  const ranks = new Map<string, TrackerRank>();
  const seenTokens = new Set<string>();
  let cursor: string | null = null;
  do {
    const token = cursor;
    const body = await send(ctx.clients, 'read', errorContext(ctx, 'read the board ranks'), () =>
      ctx.clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
        jql,
        maxResults: RANK_PAGE_SIZE,
        fields: [rankField.id],
        ...(token === null ? {} : { nextPageToken: token }),
      }),
    );
    const page = RankPage.safeParse(body);
    if (!page.success) {
      throw new TrackerError(
        'transient',
        `Jira search (ranks) answered an unexpected shape: ${z.prettifyError(page.error)}`,
        { trackerId },
      );
    }
    for (const issue of page.data.issues) {
      const rank = issue.fields[rankField.id];
      // An issue without a Rank value has no place on the board: the planner puts it last.
      if (typeof rank === 'string' && rank !== '') ranks.set(issue.id, rank);
    }
    const { nextPageToken, isLast } = page.data;
    cursor = isLast === true || !nextPageToken ? null : nextPageToken;
    if (cursor !== null && seenTokens.has(cursor)) {
      throw new TrackerError('transient', 'Jira search (ranks) repeated a page token', {
        trackerId,
      });
    }
    if (cursor !== null) seenTokens.add(cursor);
  } while (cursor !== null);
  return ranks;
}
