/**
 * The Jira connector, apart from what reaches Jira: `create.ts` gives it calls that reach the
 * site; `jiraModule.offline` (index.ts) gives it none, for serve's HTTP thread, which only verifies
 * and parses webhooks and maps results. Nothing here loads jira.js (docs/architecture.md, "The
 * Connector contract").
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { WebhookParseResult, WriteField, WriteValues } from '../../src/domain/index.js';
import type {
  Connector,
  PullRequest,
  TrackerCalls,
  TrackerOrder,
  WriteItem,
  WriteTarget,
} from '../connector.js';
import type { JiraTrackerConfig } from './config.js';
import { riskFields, writeBackFieldIds, type JiraFields, type ResolvedField } from './fields.js';
import { planRankCalls } from './rank.js';
import type { IssueMapping } from './to-issue.js';
import { parseJiraWebhook, type WebhookContext } from './webhook.js';

const Field = z.object({
  id: z.string(),
  name: z.string(),
  configured: z.string(),
  customId: z.number().optional(),
});
const OptionalField = Field.nullable().optional();

/** What `create` learned from the site: the configured fields' ids (`Connector.learned`). */
export const JiraLearned = z.object({
  fields: z.object({
    value: Field,
    cost: Field,
    netValue: Field,
    rankPosition: Field.nullable(),
    rank: Field.nullable(),
    valueLow: OptionalField,
    valueHigh: OptionalField,
    costLow: OptionalField,
    costHigh: OptionalField,
    valueImpact: OptionalField,
    netValueLow: OptionalField,
    netValueHigh: OptionalField,
    confidence: OptionalField,
  }),
});
export interface JiraLearned {
  fields: JiraFields;
}

export function jiraMapping(config: JiraTrackerConfig, fields: JiraFields): IssueMapping {
  return {
    trackerId: config.id,
    baseUrl: config.baseUrl,
    fields,
    costUnit: config.fields.costUnit,
    pinLabel: config.pinLabel,
    workType: config.workType,
  };
}

/**
 * The values this tracker holds for a target: the (expected) net value, and when their fields
 * are configured the rank position, the P10 and P90 and the confidence (whole %).
 */
export function desiredValues(fields: JiraFields, target: WriteTarget): WriteValues {
  const { result } = target;
  const values: WriteValues = { netValueUsd: result.netValueUsd };
  if (fields.rankPosition) values.rankPosition = target.rankPosition;
  if (fields.netValueLow) values.netValueLowUsd = result.netValueLowUsd;
  if (fields.netValueHigh) values.netValueHighUsd = result.netValueHighUsd;
  if (fields.confidence) values.confidencePct = result.confidencePct;
  return values;
}

export class JiraConnector implements Connector {
  readonly kind = 'jira' as const;
  readonly trackerId: string;
  readonly writes: ReadonlySet<WriteField>;
  /** One edit per issue: Jira has no bulk edit of custom fields that keeps per-issue errors. */
  readonly maxWriteBatch = 1;
  readonly order: TrackerOrder | null;
  private readonly webhook: WebhookContext;

  constructor(
    config: JiraTrackerConfig,
    readonly learned: JiraLearned,
    private readonly calls: TrackerCalls,
  ) {
    const { fields } = learned;
    this.trackerId = config.id;
    const writes: WriteField[] = ['netValueUsd'];
    if (fields.rankPosition) writes.push('rankPosition');
    if (fields.netValueLow) writes.push('netValueLowUsd');
    if (fields.netValueHigh) writes.push('netValueHighUsd');
    if (fields.confidence) writes.push('confidencePct');
    this.writes = new Set(writes);
    this.order = config.rank
      ? {
          plan: planRankCalls,
          apply: (step) => calls.applyOrder(step),
          ...(calls.currentRanks && { currentRanks: calls.currentRanks.bind(calls) }),
        }
      : null;
    const echoIds = writeBackFieldIds(fields, config.rank);
    // Changelog items name the field by id, or only by name on some events.
    const echoNames = [fields.netValue, fields.rankPosition, fields.rank, ...riskFields(fields)]
      .filter((f): f is ResolvedField => f !== null && echoIds.includes(f.id))
      .map((f) => f.name);
    this.webhook = {
      trackerId: config.id,
      secret: config.webhookSecret,
      mapping: jiraMapping(config, fields),
      echoFields: new Set([...echoIds, ...echoNames]),
    };
  }

  pullPage(req: PullRequest) {
    return this.calls.pullPage(req);
  }
  leftScope(sinceIso: string) {
    return this.calls.leftScope(sinceIso);
  }
  fetchIssue(id: string) {
    return this.calls.fetchIssue(id);
  }
  fetchIssues(ids: readonly string[]) {
    // Jira's calls always read in batches (create.ts); an offline connector's refuse (connector.ts).
    const { fetchIssues } = this.calls;
    return fetchIssues
      ? fetchIssues(ids)
      : Promise.reject(new Error(`tracker ${this.trackerId}: no batched issue reads`));
  }
  desired(target: WriteTarget): WriteValues {
    return desiredValues(this.learned.fields, target);
  }
  write(items: readonly WriteItem[]) {
    return this.calls.write(items);
  }
  parseWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, _nowMs: number): WebhookParseResult {
    // Jira signs no timestamp and retries for up to ~30 min, so there is no freshness check.
    return parseJiraWebhook(this.webhook, headers, rawBody);
  }
  budget() {
    return this.calls.budget();
  }
  requestCounts() {
    return this.calls.requestCounts();
  }
}
