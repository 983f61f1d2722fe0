/**
 * The Linear connector: `linearModule.create(config, deps)` resolves the workspace (teams, label
 * groups, our user) once and returns a `Connector`; `check` reports the same findings as lines.
 */
import { TrackerError, type WriteField } from '../../src/domain/index.js';
import type {
  CheckReport,
  Connector,
  ConnectorDeps,
  ConnectorModule,
  OrderStep,
  TrackerOrder,
} from '../connector.js';
import { createLinearApi } from './client.js';
import { LinearTrackerConfig } from './config.js';
import { attachmentUrlPrefix, type LinearContext } from './context.js';
import { fetchIssue, leavers, pullPage } from './pull.js';
import {
  COST_EXAMPLES,
  loadSetup,
  missingGroupText,
  resolveSetup,
  setupProblems,
  VALUE_EXAMPLES,
  type GroupMatch,
  type Resolved,
} from './setup.js';
import { parseLinearWebhook } from './webhook.js';
import { planSortKeys } from './sort-keys.js';
import { desiredValues } from './write.js';
import { LINEAR_WRITE_BATCH, writeMany } from './write-many.js';

/** The values config enables (`prioritySortOrder` travels as `sortKey`). */
function writtenFields(config: LinearTrackerConfig): Set<WriteField> {
  const fields = new Set<WriteField>();
  if (config.writeBack.prioritySortOrder) fields.add('sortKey');
  if (config.writeBack.priority) fields.add('priority');
  if (config.writeBack.attachment) fields.add('note');
  return fields;
}

/**
 * Sort keys normally ride on `write` (see sort-keys.ts); a step given anyway sets each of its
 * issues' `prioritySortOrder` to the step's rank, in one request.
 */
async function applyStep(ctx: LinearContext, step: OrderStep): Promise<void> {
  const trackerId = ctx.mapping.config.id;
  const items = step.ids.map((id) => ({
    ref: { trackerId, id, key: id },
    changes: { sortKey: Number(step.ranks[id]) },
  }));
  for (let i = 0; i < items.length; i += LINEAR_WRITE_BATCH) {
    const failed = (await writeMany(ctx, items.slice(i, i + LINEAR_WRITE_BATCH))).find(
      (e) => e !== null,
    );
    if (failed) throw failed;
  }
}

function connectorFor(ctx: LinearContext): Connector {
  const { config } = ctx.mapping;
  const order: TrackerOrder | null = config.writeBack.prioritySortOrder
    ? { plan: planSortKeys, apply: (step) => applyStep(ctx, step) }
    : null;
  return {
    trackerId: config.id,
    kind: 'linear',
    writes: writtenFields(config),
    order,
    pullPage: (req) => pullPage(ctx, req),
    fetchIssue: (id) => fetchIssue(ctx, id),
    leftScope: (sinceIso) => leavers(ctx, sinceIso),
    desired: (target) => desiredValues(config, target),
    write: (items) => writeMany(ctx, items),
    maxWriteBatch: LINEAR_WRITE_BATCH,
    parseWebhook: (headers, rawBody, nowMs) =>
      parseLinearWebhook({ ...ctx, webhookSecret: config.webhookSecret }, headers, rawBody, nowMs),
    budget: () => ctx.api.traffic.budget,
    requestCounts: () => ({ reads: ctx.api.traffic.reads, writes: ctx.api.traffic.writes }),
  };
}

async function create(config: LinearTrackerConfig, deps: ConnectorDeps): Promise<Connector> {
  const api = createLinearApi(config);
  const resolved = resolveSetup(config, await loadSetup(api));
  const problems = setupProblems(config, resolved);
  if (problems.length > 0) {
    throw new TrackerError('permanent', `tracker ${config.id}: ${problems.join('; ')}`, {
      trackerId: config.id,
    });
  }
  return connectorFor({
    api,
    mapping: {
      trackerId: config.id,
      config,
      valueGroupIds: resolved.value.ids,
      costGroupIds: resolved.cost?.ids ?? new Set(),
    },
    viewerId: resolved.data.viewer.id,
    groupNamesById: resolved.groupNamesById,
    teamKeysById: resolved.teamKeysById,
    attachmentUrlPrefix: attachmentUrlPrefix(deps, config.id),
  });
}

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

async function check(config: LinearTrackerConfig): Promise<CheckReport> {
  try {
    const api = createLinearApi(config);
    const lines = checkLines(config, resolveSetup(config, await loadSetup(api)));
    return { ok: lines.every((l) => l.ok), lines };
  } catch (err) {
    const text = `cannot read the Linear workspace at ${config.apiUrl}: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, lines: [{ ok: false, text }] };
  }
}

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
  create,
  check,
};
