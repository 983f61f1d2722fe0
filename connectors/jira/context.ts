/** What every connector operation needs, built once by `createJiraConnector`. */
import type { JiraClients } from './client.js';
import type { JiraTrackerConfig } from './config.js';
import type { ErrorContext } from './errors.js';
import { fieldLabel, type JiraFields } from './fields.js';
import type { NotifyPolicy } from './notify.js';
import type { IssueMapping } from './to-issue.js';

export interface JiraContext {
  config: JiraTrackerConfig;
  clients: JiraClients;
  fields: JiraFields;
  /** The API account's profile time zone: Jira reads JQL dates in it. */
  timeZone: string;
  mapping: IssueMapping;
  /** Whether edits are sent with notifyUsers=false (resolved once at create()). */
  notify: NotifyPolicy;
}

export function errorContext(ctx: JiraContext, action: string): ErrorContext {
  return {
    trackerId: ctx.config.id,
    email: ctx.config.email,
    action,
    fieldLabel: (id) => fieldLabel(ctx.fields, id),
  };
}
