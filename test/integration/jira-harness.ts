/** Shared set-up for the Jira connector tests: a sandbox, a real connector on it, scoring helpers. */
import type { Connector } from '../../connectors/connector.js';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { jiraModule } from '../../connectors/jira/index.js';
import {
  startJiraSandbox,
  type JiraSandbox,
  type JiraSandboxOptions,
  type SandboxConfigOverrides,
} from '../../connectors/jira/sandbox/index.js';

export const DEPS = { publicUrl: 'http://127.0.0.1:3000' };

export { SETTINGS, writeTargets } from './connector-targets.js';

export interface Harness {
  sandbox: JiraSandbox;
  config: JiraTrackerConfig;
  connector: Connector;
}

export async function startHarness(
  options: JiraSandboxOptions = {},
  overrides: SandboxConfigOverrides = {},
): Promise<Harness> {
  const sandbox = await startJiraSandbox(options);
  try {
    const config = JiraTrackerConfig.parse(sandbox.trackerConfig(overrides));
    const connector = await jiraModule.create(config, DEPS);
    return { sandbox, config, connector };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}

export { pullAll } from '../../connectors/pull-all.js';
