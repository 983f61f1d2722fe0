/**
 * Resolves what the connector needs from the workspace, in one request: who the API key belongs
 * to, the configured teams (by key) and the label groups (Value, and Cost when cost comes from
 * labels). A group may be a workspace group or a team group of a configured team; groups are
 * matched by name, case-insensitively, as Linear keeps label names unique that way.
 */
import { send, type LinearApi } from './client.js';
import type { LinearTrackerConfig } from './config.js';
import { SETUP, SETUP_PAGE_SIZE } from './queries.js';
import { parseResponse, SetupData } from './responses.js';

/** Label names shown in "create it" hints. */
export const VALUE_EXAMPLES = '$5k, $1.5k/mo, $60k/yr, $4k-$7k, +5% signups';
export const COST_EXAMPLES = '8h, 40h, 20-40h';

export interface GroupMatch {
  name: string;
  ids: Set<string>;
  /** Where each match lives: `workspace` or a team key. */
  scopes: string[];
}

export interface Resolved {
  data: SetupData;
  missingTeams: string[];
  value: GroupMatch;
  /** Null unless `cost.from` is `labels`. */
  cost: GroupMatch | null;
  groupNamesById: Map<string, string>;
  teamKeysById: Map<string, string>;
}

export async function loadSetup(api: LinearApi): Promise<SetupData> {
  const raw = await send(api, 'read', { action: 'read teams and label groups' }, SETUP, {
    first: SETUP_PAGE_SIZE,
  });
  return parseResponse(SetupData, raw, 'NetvalueSetup', api.config.id);
}

function matchGroup(data: SetupData, name: string, teamKeys: readonly string[]): GroupMatch {
  const match: GroupMatch = { name, ids: new Set(), scopes: [] };
  for (const group of data.issueLabels.nodes) {
    if (group.name.toLowerCase() !== name.toLowerCase()) continue;
    if (group.team !== null && !teamKeys.includes(group.team.key)) continue;
    match.ids.add(group.id);
    match.scopes.push(group.team?.key ?? 'workspace');
  }
  return match;
}

export function resolveSetup(config: LinearTrackerConfig, data: SetupData): Resolved {
  const known = new Set(data.teams.nodes.map((t) => t.key));
  return {
    data,
    missingTeams: config.teams.filter((key) => !known.has(key)),
    value: matchGroup(data, config.valueLabelGroup, config.teams),
    cost:
      config.cost.from === 'labels' ? matchGroup(data, config.cost.labelGroup, config.teams) : null,
    groupNamesById: new Map(data.issueLabels.nodes.map((g) => [g.id, g.name])),
    teamKeysById: new Map(data.teams.nodes.map((t) => [t.id, t.key])),
  };
}

function list(names: string[]): string {
  return names.length > 0 ? [...new Set(names)].sort().join(', ') : '(none)';
}

export function missingGroupText(
  config: LinearTrackerConfig,
  resolved: Resolved,
  group: GroupMatch,
  example: string,
): string {
  const existing = list(resolved.data.issueLabels.nodes.map((g) => g.name));
  return `label group '${group.name}' not found in the workspace or in teams ${list(config.teams)}; label groups that exist: ${existing}. Create it under Settings > Labels with labels like ${example}`;
}

/** Everything that keeps the connector from working, as sentences an admin can act on. */
export function setupProblems(config: LinearTrackerConfig, resolved: Resolved): string[] {
  const problems: string[] = [];
  if (resolved.missingTeams.length > 0) {
    problems.push(
      `team ${list(resolved.missingTeams)} not found (or not visible to the apiKey of tracker ${config.id}); teams that exist: ${list(resolved.data.teams.nodes.map((t) => t.key))}`,
    );
  }
  if (resolved.value.ids.size === 0)
    problems.push(missingGroupText(config, resolved, resolved.value, VALUE_EXAMPLES));
  if (resolved.cost !== null && resolved.cost.ids.size === 0) {
    problems.push(missingGroupText(config, resolved, resolved.cost, COST_EXAMPLES));
  }
  return problems;
}
