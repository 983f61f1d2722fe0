/**
 * Which of a write job's issues still match the configured JQL (`Connector.inScope`). An issue
 * can leave the scope (Done, moved project) without a webhook, and polls notice it only at the
 * next sync: checked right before writing, an issue that left is never written again. One
 * id-only search per 100 issues, about 2 % more requests than the writes it guards.
 */
import { z } from 'zod';
import { TrackerError } from '../../src/domain/index.js';
import { send } from './client.js';
import { errorContext, type JiraContext } from './context.js';
import { idsInScopeJql } from './jql.js';

const IDS_PER_SEARCH = 100;

const IdPage = z.looseObject({
  issues: z.array(z.looseObject({ id: z.string() })).default([]),
});

export async function idsInScope(ctx: JiraContext, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_SEARCH) {
    const chunk = ids.slice(i, i + IDS_PER_SEARCH);
    const body = await send(ctx.clients, 'read', errorContext(ctx, 'check the scope'), () =>
      ctx.clients.v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<unknown>({
        jql: idsInScopeJql(ctx.config.jql, chunk),
        maxResults: chunk.length,
        fields: ['id'],
      }),
    );
    const page = IdPage.safeParse(body);
    if (!page.success) {
      throw new TrackerError(
        'transient',
        `Jira search answered an unexpected shape: ${z.prettifyError(page.error)}`,
        { trackerId: ctx.config.id },
      );
    }
    for (const issue of page.data.issues) found.add(issue.id);
  }
  return found;
}
