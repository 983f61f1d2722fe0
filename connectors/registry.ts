/**
 * Every connector this build knows. Adding a tracker kind adds its folder, one entry in
 * `CONNECTOR_MODULES` and its config schema in `TRACKER_CONFIGS` (tracker-config.ts, kept apart
 * so a config loads without the SDKs); the webhook routes and the status `kind` enum come from
 * this list (docs/architecture.md, "Adding a tracker").
 */
import type { ConnectorModule } from './connector.js';
import { jiraModule } from './jira/index.js';
import { linearModule } from './linear/index.js';
import { TRACKER_CONFIGS, TrackerConfig } from './tracker-config.js';

export const CONNECTOR_MODULES = [jiraModule, linearModule] as const;

// The config union and the modules must name the same schemas, in the same order.
CONNECTOR_MODULES.forEach((m, i) => {
  if (m.configSchema !== TRACKER_CONFIGS[i])
    throw new Error(`connectors/tracker-config.ts does not list the ${m.kind} config schema`);
});
if (TRACKER_CONFIGS.length !== CONNECTOR_MODULES.length)
  throw new Error('connectors/tracker-config.ts lists a config schema with no connector module');

export { TrackerConfig };

/** Every tracker kind, e.g. for routes and enums. */
export const TRACKER_KINDS = CONNECTOR_MODULES.map((m) => m.kind) as [
  TrackerConfig['kind'],
  ...TrackerConfig['kind'][],
];

/** The module for a tracker entry of the config. */
export function connectorModule(config: TrackerConfig): ConnectorModule {
  const module = CONNECTOR_MODULES.find((m) => m.kind === config.kind);
  if (!module) throw new Error(`no connector for tracker kind '${config.kind}'`);
  return module;
}

/** Every module, for routes and docs that list what each kind does. */
export function connectorModules(): readonly ConnectorModule[] {
  return CONNECTOR_MODULES;
}
