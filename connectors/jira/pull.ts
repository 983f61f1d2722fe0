/**
 * Reads issues through the enhanced search (POST /rest/api/3/search/jql). The old
 * /rest/api/3/search was removed by Atlassian in 2025 and answers 410.
 */
import { z } from 'zod';
import { TrackerError, type Issue } from '../../src/domain/index.js';
import type { PullPage, PullRequest } from '../connector.js';
import { send } from './client.js';
import { errorContext, type JiraContext } from './context.js';
import { jiraMessages } from './errors.js';
import { leaversJql, oneIssueJql, pullJql, someIssuesJql } from './jql.js';
import { issueFieldIds, RawIssue, toIssue } from './to-issue.js';

/** Jira's largest page when fields are requested; pages may still come back smaller. */
export const PAGE_SIZE = 100;

const SearchPage = z.looseObject({
  issues: z.array(RawIssue).default([]),
  // Absent on the last page (JRACLOUD-92184); some sites sent null.
  nextPageToken: z.string().nullish(),
  // Missing from jira.js 5.4's types but sent by Jira.
  isLast: z.boolean().optional(),
});

interface SearchResult {
  issues: Issue[];
  nextCursor: string | null;
}

async function search(
  ctx: JiraContext,
  jql: string,
  cursor: string | null,
  maxResults: number,
): Promise<SearchResult> {
  const body = await send(ctx.clients, 'read', errorContext(ctx, 'search issues'), () =>
    ctx.clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
      jql,
      maxResults,
      fields: issueFieldIds(ctx.fields),
      ...(cursor === null ? {} : { nextPageToken: cursor }),
    }),
  );
  const page = SearchPage.safeParse(body);
  if (!page.success) {
    throw new TrackerError(
      'transient',
      `Jira search answered an unexpected shape: ${z.prettifyError(page.error)}`,
      { trackerId: ctx.config.id },
    );
  }
  const { issues, nextPageToken, isLast } = page.data;
  // Never infer the last page from its size: Jira shrinks pages when many fields are asked.
  const nextCursor = isLast === true || !nextPageToken ? null : nextPageToken;
  return { issues: issues.map((raw) => toIssue(raw, ctx.mapping)), nextCursor };
}

/** Ids per leavers page: ids-only searches come back in large pages. */
export const LEAVERS_PAGE_SIZE = 1_000;
/** Leaver pages read per incremental pull; any beyond wait for the next full reconcile. */
export const LEAVERS_MAX_PAGES = 5;

const IdsPage = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string() })).default([]),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});

/**
 * Ids of issues updated since the watermark that left the scope (see leaversJql): ids only, so
 * one cheap search per incremental pull on most sites. Read with the pull's first page.
 */
export async function leavers(ctx: JiraContext, sinceIso: string | null): Promise<string[]> {
  const jql = leaversJql(ctx.config.jql, sinceIso, ctx.timeZone);
  if (jql === null) return [];
  const ids: string[] = [];
  let token: string | null = null;
  for (let page = 0; page < LEAVERS_MAX_PAGES; page++) {
    const body = await send(ctx.clients, 'read', errorContext(ctx, 'search leavers'), () =>
      ctx.clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
        jql,
        maxResults: LEAVERS_PAGE_SIZE,
        fields: ['id'],
        ...(token === null ? {} : { nextPageToken: token }),
      }),
    );
    const parsed = IdsPage.safeParse(body);
    if (!parsed.success) {
      throw new TrackerError(
        'transient',
        `Jira search answered an unexpected shape: ${z.prettifyError(parsed.error)}`,
        { trackerId: ctx.config.id },
      );
    }
    ids.push(...parsed.data.issues.map((i) => i.id));
    const { nextPageToken, isLast } = parsed.data;
    if (isLast === true || !nextPageToken) break;
    token = nextPageToken;
  }
  return ids;
}

export async function pullPage(ctx: JiraContext, req: PullRequest): Promise<PullPage> {
  const jql = pullJql(ctx.config.jql, req.sinceIso, ctx.timeZone);
  // Leavers are read with the first page of an incremental pull (before it: same result).
  const removedIds = req.cursor === null ? await leavers(ctx, req.sinceIso) : [];
  const page = await search(ctx, jql, req.cursor, PAGE_SIZE);
  return removedIds.length > 0 ? { ...page, removedIds } : page;
}

const MISSING_ISSUE = /'([^']+)' does not exist for (?:the )?field '(?:id|key|issuekey)'/gi;

/**
 * Jira refuses JQL naming an issue that no longer exists rather than returning nothing: the
 * values it names as missing (none when the error is another one).
 */
function missingIssues(err: unknown): string[] {
  if (!(err instanceof TrackerError) || err.details.status !== 400) return [];
  const cause = err.details.cause as { response?: { data?: unknown } } | undefined;
  return [...jiraMessages(cause?.response?.data).matchAll(MISSING_ISSUE)].map((m) => m[1] ?? '');
}

const isMissingIssue = (err: unknown): boolean => missingIssues(err).length > 0;

/** The configured scope narrowed by `narrow`; an id it refuses is a permanent error of the call. */
function jqlOf(ctx: JiraContext, narrow: (scope: string) => string): string {
  try {
    return narrow(ctx.config.jql);
  } catch (err) {
    throw new TrackerError('permanent', (err as Error).message, { trackerId: ctx.config.id });
  }
}

/** Ids per batched read: one page (PAGE_SIZE) holds them all, and the JQL stays short. */
export const FETCH_BATCH = 50;

/**
 * Several issues by id in one search each `FETCH_BATCH` (`Connector.fetchIssues`): null for an
 * issue that is gone or out of scope. Jira refuses the whole query when one id no longer exists
 * and names it, so the read is sent again without the ids it named: one more call per deletion.
 */
export async function fetchIssues(
  ctx: JiraContext,
  ids: readonly string[],
): Promise<Map<string, Issue | null>> {
  const found = new Map<string, Issue | null>();
  for (let i = 0; i < ids.length; i += FETCH_BATCH) {
    let batch = ids.slice(i, i + FETCH_BATCH);
    while (batch.length > 0) {
      const jql = jqlOf(ctx, (scope) => someIssuesJql(scope, batch));
      try {
        let cursor: string | null = null;
        do {
          const page: SearchResult = await search(ctx, jql, cursor, PAGE_SIZE);
          for (const issue of page.issues) found.set(issue.id, issue);
          cursor = page.nextCursor;
        } while (cursor !== null);
        break;
      } catch (err) {
        const missing = new Set(missingIssues(err));
        const rest = batch.filter((id) => !missing.has(id));
        if (rest.length === batch.length) throw err; // not a deletion, or one we cannot place
        batch = rest;
      }
    }
  }
  for (const id of ids) if (!found.has(id)) found.set(id, null);
  return found;
}

export async function fetchIssue(ctx: JiraContext, id: string): Promise<Issue | null> {
  const jql = jqlOf(ctx, (scope) => oneIssueJql(scope, id));
  try {
    const page = await search(ctx, jql, null, 1);
    return page.issues[0] ?? null;
  } catch (err) {
    if (isMissingIssue(err)) return null;
    throw err;
  }
}
