/**
 * Builds a Linear connector that reaches the workspace: the @linear/sdk client, then the teams,
 * label groups and our user, resolved once. Loaded only when a connector is created (index.ts),
 * so a thread that holds offline connectors never loads the SDK.
 */
import { TrackerError } from '../../src/domain/index.js';
import { writeError, type Connector, type ConnectorDeps, type OrderStep } from '../connector.js';
import { createLinearApi } from './client.js';
import type { LinearTrackerConfig } from './config.js';
import { linearConnector, linearMapping, type LinearLearned } from './connector.js';
import { attachmentUrlPrefix, type LinearContext } from './context.js';
import { fetchIssue, leavers, pullPage } from './pull.js';
import { loadSetup, resolveSetup, setupProblems } from './setup.js';
import { LINEAR_WRITE_BATCH, writeMany } from './write-many.js';

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
    const failed = (await writeMany(ctx, items.slice(i, i + LINEAR_WRITE_BATCH)))
      .map(writeError)
      .find((e) => e !== null);
    if (failed) throw failed;
  }
}

export async function createLinearConnector(
  config: LinearTrackerConfig,
  deps: ConnectorDeps,
): Promise<Connector> {
  const api = createLinearApi(config);
  const resolved = resolveSetup(config, await loadSetup(api));
  const problems = setupProblems(config, resolved);
  if (problems.length > 0) {
    throw new TrackerError('permanent', `tracker ${config.id}: ${problems.join('; ')}`, {
      trackerId: config.id,
    });
  }
  const learned: LinearLearned = {
    valueGroupIds: resolved.value.ids,
    costGroupIds: resolved.cost?.ids ?? new Set(),
    viewerId: resolved.data.viewer.id,
    groupNamesById: resolved.groupNamesById,
    teamKeysById: resolved.teamKeysById,
  };
  const ctx: LinearContext = {
    api,
    mapping: linearMapping(config, learned),
    viewerId: learned.viewerId,
    groupNamesById: learned.groupNamesById,
    teamKeysById: learned.teamKeysById,
    attachmentUrlPrefix: attachmentUrlPrefix(deps, config.id),
  };
  const { traffic } = api;
  return linearConnector(config, learned, {
    pullPage: (req) => pullPage(ctx, req),
    fetchIssue: (id) => fetchIssue(ctx, id),
    leftScope: (sinceIso) => leavers(ctx, sinceIso),
    write: (items) => writeMany(ctx, items),
    applyOrder: (step) => applyStep(ctx, step),
    budget: () => traffic.budget,
    requestCounts: () => ({ reads: traffic.reads, writes: traffic.writes }),
  });
}
