/** Every connector this build knows, by tracker kind. Adding a tracker adds one line here. */
import type { TrackerKind } from '../src/domain/index.js';
import type { ConnectorModule } from './connector.js';
import { jiraModule } from './jira/index.js';
import { linearModule } from './linear/index.js';
import type { TrackerConfig } from './tracker-config.js';

const modules: Record<TrackerKind, ConnectorModule<never>> = {
  jira: jiraModule as ConnectorModule<never>,
  linear: linearModule as ConnectorModule<never>,
};

/** The module for a tracker entry of the config. */
export function connectorModule(config: TrackerConfig): ConnectorModule<TrackerConfig> {
  return modules[config.kind];
}
