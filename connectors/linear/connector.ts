/**
 * The Linear connector, apart from what reaches Linear: `create.ts` gives it calls that reach
 * the workspace; `linearModule.offline` (index.ts) gives it none, for serve's HTTP thread, which
 * only verifies and parses webhooks and maps results. Nothing here loads @linear/sdk
 * (docs/architecture.md, "The Connector contract").
 */
import { z } from 'zod';
import type { WriteField, WriteValues } from '../../src/domain/index.js';
import type { Connector, TrackerCalls, TrackerOrder, WriteTarget } from '../connector.js';
import type { LinearTrackerConfig } from './config.js';
import { planSortKeys } from './sort-keys.js';
import type { MappingContext } from './to-issue.js';
import { parseLinearWebhook } from './webhook.js';

/** Aliased mutations per request (write-many.ts); keeps a request's complexity far below Linear's 10,000 cap. */
export const LINEAR_WRITE_BATCH = 25;

/** Linear's "No priority": sorts after every bucket, like unscored issues in the ranking. */
export const NO_PRIORITY = 0;

/** What `create` learned from the workspace (`Connector.learned`): teams, label groups, who we are. */
export const LinearLearned = z.object({
  valueGroupIds: z.set(z.string()),
  costGroupIds: z.set(z.string()),
  viewerId: z.string().nullable(),
  groupNamesById: z.map(z.string(), z.string()),
  teamKeysById: z.map(z.string(), z.string()),
});
export type LinearLearned = z.infer<typeof LinearLearned>;

/** The values config enables (`prioritySortOrder` travels as `sortKey`). */
function writtenFields(config: LinearTrackerConfig): Set<WriteField> {
  const fields = new Set<WriteField>();
  if (config.writeBack.prioritySortOrder) fields.add('sortKey');
  if (config.writeBack.priority) fields.add('priority');
  if (config.writeBack.attachment) fields.add('note');
  return fields;
}

/**
 * Only the fields config enables. `sortKey` is not here: the rank planner assigns it.
 * - priority: the target bucket (2-4); an issue without a net value gets 0 ("No priority"), so it
 *   sinks below every ranked issue as it does in the unified ranking. Urgent (1) is never
 *   produced: it notifies people and starts SLAs.
 * - note: the explanation (`$5,000/mo x 1 mo - 40 h x $50/h = $3,000`), null when there is none.
 *   For a range it carries the risk figures Linear has no fields for (`... = $3,083 expected
 *   (P10 $2,367, P90 $3,800; 100% chance above $0)`).
 */
export function desiredValues(config: LinearTrackerConfig, target: WriteTarget): WriteValues {
  const values: WriteValues = {};
  if (config.writeBack.priority) {
    values.priority =
      target.priority === null
        ? NO_PRIORITY
        : Math.min(4, Math.max(2, Math.round(target.priority)));
  }
  if (config.writeBack.attachment) {
    values.note = target.result.status === 'scored' ? target.result.explanation : null;
  }
  return values;
}

export function linearMapping(config: LinearTrackerConfig, learned: LinearLearned): MappingContext {
  return {
    trackerId: config.id,
    config,
    valueGroupIds: learned.valueGroupIds,
    costGroupIds: learned.costGroupIds,
  };
}

export function linearConnector(
  config: LinearTrackerConfig,
  learned: LinearLearned,
  calls: TrackerCalls,
): Connector {
  const order: TrackerOrder | null = config.writeBack.prioritySortOrder
    ? { plan: planSortKeys, apply: (step) => calls.applyOrder(step) }
    : null;
  const webhook = {
    mapping: linearMapping(config, learned),
    viewerId: learned.viewerId,
    groupNamesById: learned.groupNamesById,
    teamKeysById: learned.teamKeysById,
    webhookSecret: config.webhookSecret,
  };
  return {
    trackerId: config.id,
    kind: 'linear',
    writes: writtenFields(config),
    order,
    learned,
    pullPage: (req) => calls.pullPage(req),
    fetchIssue: (id) => calls.fetchIssue(id),
    leftScope: (sinceIso) => calls.leftScope(sinceIso),
    desired: (target) => desiredValues(config, target),
    write: (items) => calls.write(items),
    maxWriteBatch: LINEAR_WRITE_BATCH,
    parseWebhook: (headers, rawBody, nowMs) => parseLinearWebhook(webhook, headers, rawBody, nowMs),
    budget: () => calls.budget(),
    requestCounts: () => calls.requestCounts(),
  };
}
