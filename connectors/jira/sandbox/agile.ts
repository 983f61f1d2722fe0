/**
 * PUT /rest/agile/1.0/issue/rank for the sandbox: at most 50 issues placed before or after an
 * anchor, in call order; 204 when all moved, 207 with per-issue entries when some failed.
 */
import { z } from 'zod';
import { SANDBOX_FIELDS, type SandboxIssue } from './data.js';
import { errors, type Reply, type RouteEnv, type RouteRequest } from './reply.js';

// Atlassian's rank request body.
const RankBody = z
  .object({
    issues: z.array(z.string()).min(1),
    rankBeforeIssue: z.string().optional(),
    rankAfterIssue: z.string().optional(),
    rankCustomFieldId: z.number().int().optional(),
  })
  .strict();

export function rank(req: RouteRequest, _params: string[], env: RouteEnv): Reply {
  const parsed = RankBody.safeParse(req.body);
  if (!parsed.success)
    return errors(400, [`Invalid request payload: ${z.prettifyError(parsed.error)}`]);
  const body = parsed.data;
  if (body.issues.length > 50) return errors(400, ['Cannot rank more than 50 issues at once.']);
  const anchorRef = body.rankBeforeIssue ?? body.rankAfterIssue;
  if (
    anchorRef === undefined ||
    (body.rankBeforeIssue !== undefined && body.rankAfterIssue !== undefined)
  ) {
    return errors(400, ['Exactly one of rankBeforeIssue and rankAfterIssue is required.']);
  }
  if (
    body.rankCustomFieldId !== undefined &&
    `customfield_${body.rankCustomFieldId}` !== SANDBOX_FIELDS.rank
  ) {
    return errors(400, [`The rank field ${body.rankCustomFieldId} does not exist.`]);
  }
  const anchor = env.state.find(anchorRef);
  if (!anchor) return errors(400, [`Issue '${anchorRef}' does not exist.`]);
  const found = body.issues.map((ref) => ({ ref, issue: env.state.find(ref) }));
  if (found.some((f) => f.issue?.id === anchor.id))
    return errors(400, ['An issue cannot be ranked relative to itself.']);
  const entry = (
    ref: string,
    issue: SandboxIssue | undefined,
    status: number,
    message?: string,
  ) => ({
    issueId: issue ? Number(issue.id) : null,
    issueKey: issue?.key ?? ref,
    status,
    ...(message ? { errors: [message] } : {}),
  });
  const entries = found.map(({ ref, issue }) =>
    !issue
      ? entry(ref, issue, 404, 'Issue does not exist')
      : env.state.rankFailures.has(issue.id)
        ? entry(ref, issue, 503, 'Ranking is temporarily unavailable for this issue')
        : entry(ref, issue, 200),
  );
  const moving = found
    .filter((_f, i) => entries[i]?.status === 200)
    .map((f) => f.issue as SandboxIssue);
  env.state.rank(
    moving,
    anchor,
    body.rankBeforeIssue !== undefined ? 'before' : 'after',
    env.state.account.accountId,
  );
  return entries.every((e) => e.status === 200)
    ? { status: 204 }
    : { status: 207, body: { entries } };
}
