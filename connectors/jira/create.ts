/**
 * Builds a Jira connector that reaches the site: the jira.js clients, the account's time zone,
 * every configured field resolved and, when config leaves `notifyUsers` unset, whether the account
 * may suppress notifications. Loaded only when a connector is created (index.ts), so a thread
 * that holds offline connectors never loads jira.js.
 */
import { z } from 'zod';
import { TrackerError } from '../../src/domain/index.js';
import type { Connector } from '../connector.js';
import { createJiraClients, send } from './client.js';
import type { JiraTrackerConfig } from './config.js';
import { JiraConnector, jiraMapping } from './connector.js';
import type { JiraContext } from './context.js';
import { currentRanks } from './current-ranks.js';
import { FieldList, resolveFields } from './fields.js';
import { safeTimeZone } from './jql.js';
import { NotifyPolicy } from './notify.js';
import { fetchIssue, fetchIssues, leavers, pullPage } from './pull.js';
import { applyRankBatch, writeItems } from './write.js';

const Myself = z.looseObject({ timeZone: z.string().optional() });

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
  const ctx: JiraContext = {
    config,
    clients,
    fields,
    timeZone: safeTimeZone(me.success ? me.data.timeZone : undefined),
    notify,
    mapping: jiraMapping(config, fields),
  };
  const { traffic } = clients;
  return new JiraConnector(
    config,
    { fields },
    {
      pullPage: (req) => pullPage(ctx, req),
      leftScope: (sinceIso) => leavers(ctx, sinceIso),
      fetchIssue: (id) => fetchIssue(ctx, id),
      fetchIssues: (ids) => fetchIssues(ctx, ids),
      write: (items) => writeItems(ctx, items),
      applyOrder: (step) => applyRankBatch(ctx, step),
      currentRanks: () => currentRanks(ctx),
      budget: () => traffic.budget,
      requestCounts: () => ({ reads: traffic.reads, writes: traffic.writes }),
    },
  );
}
