/**
 * `netvalue check` for a Linear tracker: reaches the workspace and reports the teams, label groups
 * and write-back config as lines. Loaded only when a check runs (index.ts).
 */
import type { CheckReport } from '../connector.js';
import { createLinearApi } from './client.js';
import type { LinearTrackerConfig } from './config.js';
import {
  COST_EXAMPLES,
  loadSetup,
  missingGroupText,
  resolveSetup,
  VALUE_EXAMPLES,
  type GroupMatch,
  type Resolved,
} from './setup.js';

function groupLine(
  config: LinearTrackerConfig,
  resolved: Resolved,
  group: GroupMatch,
  example: string,
): CheckReport['lines'][number] {
  return group.ids.size > 0
    ? { ok: true, text: `label group '${group.name}' found (${group.scopes.join(', ')})` }
    : { ok: false, text: missingGroupText(config, resolved, group, example) };
}

function checkLines(config: LinearTrackerConfig, resolved: Resolved): CheckReport['lines'] {
  const { viewer, teams } = resolved.data;
  const lines: CheckReport['lines'] = [
    { ok: true, text: `connected to ${config.apiUrl} as ${viewer.name} <${viewer.email}>` },
  ];
  for (const key of config.teams) {
    const team = teams.nodes.find((t) => t.key === key);
    lines.push(
      team
        ? { ok: true, text: `team ${key} found (${team.name})` }
        : {
            ok: false,
            text: `team ${key} not found; teams: ${teams.nodes.map((t) => t.key).join(', ') || '(none)'}`,
          },
    );
  }
  lines.push(groupLine(config, resolved, resolved.value, VALUE_EXAMPLES));
  if (resolved.cost) lines.push(groupLine(config, resolved, resolved.cost, COST_EXAMPLES));
  const enabled = Object.entries(config.writeBack)
    .filter(([, on]) => on)
    .map(([field]) => field);
  lines.push({ ok: true, text: `write-back: ${enabled.join(', ') || 'nothing (read-only)'}` });
  lines.push({
    ok: true,
    text: config.webhookSecret
      ? 'webhookSecret is set'
      : 'webhookSecret is not set: webhooks will be refused (401); polling still works',
  });
  return lines;
}

export async function checkLinear(config: LinearTrackerConfig): Promise<CheckReport> {
  try {
    const api = createLinearApi(config);
    const lines = checkLines(config, resolveSetup(config, await loadSetup(api)));
    return { ok: lines.every((l) => l.ok), lines };
  } catch (err) {
    const text = `cannot read the Linear workspace at ${config.apiUrl}: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, lines: [{ ok: false, text }] };
  }
}
