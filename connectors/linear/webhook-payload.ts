/**
 * The parts of Linear's webhook body netvalue reads (`EntityWebhookPayload` with `data` =
 * `IssueWebhookPayload`), as zod schemas, and the mapping of the issue data to a record. Payloads
 * carry only ids for a label's group and, sometimes, for the team: names come from what create()
 * resolved.
 */
import { z } from 'zod';
import type { LinearContext } from './context.js';
import type { LinearIssueRecord } from './to-issue.js';

export type WebhookContext = Pick<
  LinearContext,
  'mapping' | 'viewerId' | 'groupNamesById' | 'teamKeysById'
> & { webhookSecret: string | undefined };

export const Envelope = z.object({
  action: z.string(),
  type: z.string(),
  webhookTimestamp: z.number(),
  actor: z.object({ id: z.string() }).nullish(),
  updatedFrom: z.record(z.string(), z.unknown()).nullish(),
  data: z.record(z.string(), z.unknown()),
});

export const IssueData = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  url: z.string(),
  updatedAt: z.string(),
  estimate: z.number().nullish(),
  priority: z.number(),
  prioritySortOrder: z.number(),
  teamId: z.string(),
  team: z.object({ key: z.string() }).nullish(),
  state: z.object({ type: z.string() }),
  labels: z.array(z.object({ id: z.string(), name: z.string(), parentId: z.string().nullish() })),
});
export type IssueData = z.infer<typeof IssueData>;

export const RemovedData = z.object({ id: z.string(), identifier: z.string() });

export function payloadToRecord(data: IssueData, ctx: WebhookContext): LinearIssueRecord | null {
  const teamKey = data.team?.key ?? ctx.teamKeysById.get(data.teamId);
  if (teamKey === undefined) return null;
  return {
    id: data.id,
    identifier: data.identifier,
    title: data.title,
    url: data.url,
    updatedAt: data.updatedAt,
    estimate: data.estimate ?? null,
    priority: data.priority,
    prioritySortOrder: data.prioritySortOrder,
    teamKey,
    stateType: data.state.type,
    labels: data.labels.map((l) => ({
      id: l.id,
      name: l.name,
      parentId: l.parentId ?? null,
      parentName: l.parentId ? (ctx.groupNamesById.get(l.parentId) ?? null) : null,
    })),
  };
}
