/**
 * Every connector this build knows. Adding a tracker kind adds its folder and one entry in
 * `CONNECTOR_MODULES`; the config schema's tracker union, the webhook routes and the status
 * `kind` enum all come from this list (docs/architecture.md, "Adding a tracker").
 */
import { z } from 'zod';
import type { ConnectorModule } from './connector.js';
import { jiraModule } from './jira/index.js';
import { linearModule } from './linear/index.js';

export const CONNECTOR_MODULES = [jiraModule, linearModule] as const;

type AnyModule = { kind: string; configSchema: z.ZodObject };

/** The modules' config schemas, as a tuple (what `z.discriminatedUnion` needs). */
function schemasOf<const M extends readonly [AnyModule, ...AnyModule[]]>(
  modules: M,
): { -readonly [K in keyof M]: M[K]['configSchema'] } {
  return modules.map((m) => m.configSchema) as { -readonly [K in keyof M]: M[K]['configSchema'] };
}

/** One `trackers[]` entry: the union of every connector's own schema, told apart by `kind`. */
export const TrackerConfig = z.discriminatedUnion('kind', schemasOf(CONNECTOR_MODULES));
export type TrackerConfig = z.infer<typeof TrackerConfig>;

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
