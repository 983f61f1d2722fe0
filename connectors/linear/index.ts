/**
 * The Linear connector's module for the registry. `create` and `check` load the code that reaches
 * Linear (and @linear/sdk) when called; `offline` builds a connector without it.
 */
import { z } from 'zod';
import { offlineCalls, type ConnectorModule } from '../connector.js';
import { LinearTrackerConfig } from './config.js';
import { linearConnector, LinearLearned } from './connector.js';

export const linearModule: ConnectorModule<typeof LinearTrackerConfig> & { kind: 'linear' } = {
  kind: 'linear',
  displayName: 'Linear',
  signatureHeader: 'linear-signature',
  webhookSignature:
    'Linear-Signature: <hex HMAC-SHA256 of the raw body>, webhookTimestamp within 60 s',
  configSchema: LinearTrackerConfig,
  // An API URL is the same for every workspace: the teams tell deployments apart.
  site: (config) =>
    `${new URL(config.apiUrl).origin.toLowerCase()} teams ${[...config.teams].sort().join(',')}`,
  create: async (config, deps) => (await import('./create.js')).createLinearConnector(config, deps),
  check: async (config) => (await import('./check.js')).checkLinear(config),
  offline: (config, learned) => {
    const parsed = LinearLearned.safeParse(learned);
    if (!parsed.success)
      throw new Error(`Linear tracker "${config.id}": ${z.prettifyError(parsed.error)}`);
    return linearConnector(config, parsed.data, offlineCalls(config.id));
  },
};
