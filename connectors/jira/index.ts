/** The Jira Cloud connector: `jiraModule` for the registry, `createJiraConnector` to build one. */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { TrackerError } from '../../src/domain/index.js';
import type { Issue, WebhookParseResult, WriteField, WriteValues } from '../../src/domain/index.js';
import type {
  Connector,
  ConnectorModule,
  PullPage,
  PullRequest,
  RateBudget,
  TrackerOrder,
  WriteItem,
  WriteTarget,
} from '../connector.js';
import { checkJira } from './check.js';
import { createJiraClients, send } from './client.js';
import { JiraTrackerConfig } from './config.js';
import type { JiraContext } from './context.js';
import {
  FieldList,
  resolveFields,
  riskFields,
  writeBackFieldIds,
  type ResolvedField,
} from './fields.js';
import { currentRanks } from './current-ranks.js';
import { safeTimeZone } from './jql.js';
import { NotifyPolicy } from './notify.js';
import { fetchIssue, leavers, pullPage } from './pull.js';
import { parseJiraWebhook, type WebhookContext } from './webhook.js';
import { planRankCalls } from './rank.js';
import { applyRankBatch, desiredValues, writeItems } from './write.js';

export { JiraTrackerConfig } from './config.js';

const Myself = z.looseObject({ timeZone: z.string().optional() });

class JiraConnector implements Connector {
  readonly kind = 'jira' as const;
  readonly trackerId: string;
  readonly writes: ReadonlySet<WriteField>;
  /** One edit per issue: Jira has no bulk edit of custom fields that keeps per-issue errors. */
  readonly maxWriteBatch = 1;
  readonly order: TrackerOrder | null;
  private readonly webhook: WebhookContext;

  constructor(private readonly ctx: JiraContext) {
    this.trackerId = ctx.config.id;
    const writes: WriteField[] = ['netValueUsd'];
    if (ctx.fields.rankPosition) writes.push('rankPosition');
    if (ctx.fields.netValueLow) writes.push('netValueLowUsd');
    if (ctx.fields.netValueHigh) writes.push('netValueHighUsd');
    if (ctx.fields.confidence) writes.push('confidencePct');
    this.writes = new Set(writes);
    this.order = ctx.config.rank
      ? {
          plan: planRankCalls,
          apply: (step) => applyRankBatch(ctx, step),
          currentRanks: () => currentRanks(ctx),
        }
      : null;
    const echoIds = writeBackFieldIds(ctx.fields, ctx.config.rank);
    // Changelog items name the field by id, or only by name on some events.
    const echoNames = [
      ctx.fields.netValue,
      ctx.fields.rankPosition,
      ctx.fields.rank,
      ...riskFields(ctx.fields),
    ]
      .filter((f): f is ResolvedField => f !== null && echoIds.includes(f.id))
      .map((f) => f.name);
    this.webhook = {
      trackerId: ctx.config.id,
      secret: ctx.config.webhookSecret,
      mapping: ctx.mapping,
      echoFields: new Set([...echoIds, ...echoNames]),
    };
  }

  pullPage(req: PullRequest): Promise<PullPage> {
    return pullPage(this.ctx, req);
  }
  leftScope(sinceIso: string): Promise<string[]> {
    return leavers(this.ctx, sinceIso);
  }
  fetchIssue(id: string): Promise<Issue | null> {
    return fetchIssue(this.ctx, id);
  }
  desired(target: WriteTarget): WriteValues {
    return desiredValues(this.ctx, target);
  }
  write(items: readonly WriteItem[]): Promise<(TrackerError | null)[]> {
    return writeItems(this.ctx, items);
  }
  parseWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, _nowMs: number): WebhookParseResult {
    // Jira signs no timestamp and retries for up to ~30 min, so there is no freshness check.
    return parseJiraWebhook(this.webhook, headers, rawBody);
  }
  budget(): RateBudget | null {
    return this.ctx.clients.traffic.budget;
  }
  requestCounts(): { reads: number; writes: number } {
    const { reads, writes } = this.ctx.clients.traffic;
    return { reads, writes };
  }
}

/**
 * Builds the clients, reads the account's time zone, resolves every configured field and, when
 * config leaves `notifyUsers` unset, whether the account may suppress notifications.
 */
export async function createJiraConnector(config: JiraTrackerConfig): Promise<Connector> {
  const clients = createJiraClients(config);
  const errorCtx = (action: string) => ({ trackerId: config.id, email: config.email, action });
  const [rawFields, rawMe, notify] = await Promise.all([
    send(clients, 'read', errorCtx('read the field list'), () =>
      clients.v3.issueFields.getFields<unknown>(),
    ),
    send(clients, 'read', errorCtx('read /myself'), () =>
      clients.v3.myself.getCurrentUser<unknown>(),
    ),
    NotifyPolicy.resolve(config.notifyUsers, clients, errorCtx('read /mypermissions')),
  ]);
  const fieldList = FieldList.safeParse(rawFields);
  if (!fieldList.success) {
    throw new TrackerError(
      'permanent',
      `Jira tracker "${config.id}": GET /rest/api/3/field answered an unexpected shape: ${z.prettifyError(fieldList.error)}`,
      { trackerId: config.id },
    );
  }
  const fields = resolveFields(fieldList.data, config);
  const me = Myself.safeParse(rawMe);
  return new JiraConnector({
    config,
    clients,
    fields,
    timeZone: safeTimeZone(me.success ? me.data.timeZone : undefined),
    notify,
    mapping: {
      trackerId: config.id,
      baseUrl: config.baseUrl,
      fields,
      costUnit: config.fields.costUnit,
      pinLabel: config.pinLabel,
      workType: config.workType,
    },
  });
}

export const jiraModule: ConnectorModule<typeof JiraTrackerConfig> & { kind: 'jira' } = {
  kind: 'jira',
  displayName: 'Jira',
  signatureHeader: 'x-hub-signature',
  webhookSignature: 'X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body with webhookSecret>',
  configSchema: JiraTrackerConfig,
  site: (config) => new URL(config.baseUrl).origin.toLowerCase(),
  create: (config) => createJiraConnector(config),
  check: (config) => checkJira(config),
};
