/**
 * zod schemas for the answers to queries.ts, so a changed or partial response fails loudly at the
 * edge with the path of what was wrong instead of deep inside scoring.
 */
import { z } from 'zod';
import { TrackerError } from '../../src/domain/index.js';
import type { LinearIssueRecord } from './to-issue.js';

const LabelNode = z.object({
  id: z.string(),
  name: z.string(),
  parent: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type LabelNode = z.infer<typeof LabelNode>;

const LabelPage = z.object({
  nodes: z.array(LabelNode),
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
});

const IssueNode = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  url: z.string(),
  updatedAt: z.string(),
  estimate: z.number().nullable(),
  priority: z.number(),
  prioritySortOrder: z.number(),
  team: z.object({ id: z.string(), key: z.string() }),
  state: z.object({ type: z.string() }),
  labels: LabelPage,
  attachments: z.object({
    nodes: z.array(z.object({ id: z.string(), url: z.string(), subtitle: z.string().nullable() })),
  }),
});
export type IssueNode = z.infer<typeof IssueNode>;

export const IssuesPageData = z.object({
  issues: z.object({
    nodes: z.array(IssueNode),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export const IssueIdsPageData = z.object({
  issues: z.object({
    nodes: z.array(z.object({ id: z.string() })),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export const IssueData = z.object({ issue: IssueNode });

export const IssueLabelsData = z.object({
  issue: z.object({ id: z.string(), labels: LabelPage }),
});

export const SetupData = z.object({
  viewer: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  teams: z.object({
    nodes: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() })),
  }),
  issueLabels: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        team: z.object({ id: z.string(), key: z.string() }).nullable(),
      }),
    ),
  }),
});
export type SetupData = z.infer<typeof SetupData>;

export const AttachmentFindData = z.object({
  issue: z.object({
    id: z.string(),
    attachments: z.object({ nodes: z.array(z.object({ id: z.string() })) }),
  }),
});

/**
 * Parses with a message that names the operation and the first bad path. A response of the wrong
 * shape will not fix itself on retry: permanent.
 */
export function parseResponse<T>(
  schema: z.ZodType<T>,
  data: unknown,
  operation: string,
  trackerId: string,
): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown';
  throw new TrackerError('permanent', `unexpected ${operation} response from Linear (${where})`, {
    trackerId,
  });
}

/** netvalue's attachment on this issue is the one at exactly `attachmentUrl`. */
export function nodeToRecord(
  node: IssueNode,
  attachmentUrl: (key: string) => string,
): LinearIssueRecord {
  const url = attachmentUrl(node.identifier);
  const ours = node.attachments.nodes.find((a) => a.url === url);
  return {
    id: node.id,
    identifier: node.identifier,
    title: node.title,
    url: node.url,
    updatedAt: node.updatedAt,
    estimate: node.estimate,
    priority: node.priority,
    prioritySortOrder: node.prioritySortOrder,
    teamKey: node.team.key,
    stateType: node.state.type,
    labels: node.labels.nodes.map((l) => ({
      id: l.id,
      name: l.name,
      parentId: l.parent?.id ?? null,
      parentName: l.parent?.name ?? null,
    })),
    note: ours ? (ours.subtitle ?? '') : null,
  };
}
