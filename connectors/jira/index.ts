/**
 * The Jira Cloud connector's module for the registry. `create` and `check` load the code that
 * reaches Jira (and jira.js) when called; `offline` builds a connector without it.
 */
import { z } from 'zod';
import { offlineCalls, type ConnectorModule } from '../connector.js';
import { JiraTrackerConfig } from './config.js';
import { JiraConnector, JiraLearned } from './connector.js';

export { JiraTrackerConfig } from './config.js';

export const jiraModule: ConnectorModule<typeof JiraTrackerConfig> & { kind: 'jira' } = {
  kind: 'jira',
  displayName: 'Jira',
  signatureHeader: 'x-hub-signature',
  webhookSignature: 'X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body with webhookSecret>',
  configSchema: JiraTrackerConfig,
  site: (config) => new URL(config.baseUrl).origin.toLowerCase(),
  create: async (config) => (await import('./create.js')).createJiraConnector(config),
  check: async (config) => (await import('./check.js')).checkJira(config),
  offline: (config, learned) => {
    const parsed = JiraLearned.safeParse(learned);
    if (!parsed.success)
      throw new Error(`Jira tracker "${config.id}": ${z.prettifyError(parsed.error)}`);
    // The schema reads an absent `customId` as undefined, which a ResolvedField leaves out.
    return new JiraConnector(config, parsed.data as JiraLearned, offlineCalls(config.id));
  },
};
