/**
 * Shared set-up for the Linear connector tests: a sandbox, a real connector on it (the real
 * @linear/sdk underneath), and the core's own scoring/ranking/planning functions to decide writes.
 */
import type { Connector, WriteTarget } from '../../connectors/connector.js';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { linearModule } from '../../connectors/linear/index.js';
import {
  startLinearSandbox,
  type LinearSandbox,
  type LinearSandboxOptions,
  type LinearTrackerConfigInput,
} from '../../connectors/linear/sandbox/index.js';
import type { Issue, IssueRef, WriteValues } from '../../src/domain/index.js';
import { planMoves } from '../../src/scoring/plan-moves.js';
import { changedValues } from '../../src/scoring/write-diff.js';
import type { LoggedRequest } from '../../connectors/sandbox-kit/index.js';

export const DEPS = { publicUrl: 'http://netvalue.test:3000' };

import { writeTargets } from './connector-targets.js';
import { writeOne } from './connector-targets.js';

export { SETTINGS, writeTargets } from './connector-targets.js';

export interface Harness {
  sandbox: LinearSandbox;
  config: LinearTrackerConfig;
  connector: Connector;
}

export async function startHarness(
  options: LinearSandboxOptions = {},
  overrides: Partial<LinearTrackerConfigInput> = {},
): Promise<Harness> {
  const sandbox = await startLinearSandbox(options);
  try {
    const config = LinearTrackerConfig.parse(sandbox.trackerConfig(overrides));
    const connector = await linearModule.create(config, DEPS);
    return { sandbox, config, connector };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}

export { pullAll } from '../../connectors/pull-all.js';

/** The changes each issue needs: desired values, plus new sort keys for the issues that move. */
export function planWrites(connector: Connector, issues: Issue[]): Map<string, WriteValues> {
  const targets = writeTargets(issues);
  const byRank = (a: Issue, b: Issue): number => (a.rank as number) - (b.rank as number);
  const current = [...issues].sort(byRank).map((i) => i.id);
  const target = [...targets.keys()];
  const pinned = new Set(issues.filter((i) => i.pinned).map((i) => i.id));
  const plan = planMoves(current, target, pinned);
  const order = connector.order?.plan(plan, new Map(issues.map((i) => [i.id, i.rank as number])));
  const changes = new Map<string, WriteValues>();
  for (const issue of issues) {
    const desired = {
      ...connector.desired(targets.get(issue.id) as WriteTarget),
      ...order?.values.get(issue.id),
    };
    const diff = changedValues(issue.current, desired);
    if (diff) changes.set(issue.id, diff);
  }
  return changes;
}

export async function applyWrites(
  connector: Connector,
  issues: Issue[],
  changes: Map<string, WriteValues>,
): Promise<void> {
  for (const issue of issues) {
    const diff = changes.get(issue.id);
    if (diff) await writeOne(connector, refOf(issue), diff);
  }
}

export function refOf(issue: Issue): IssueRef {
  return { trackerId: issue.trackerId, id: issue.id, key: issue.key };
}

export const isOperation =
  (name: string) =>
  (entry: LoggedRequest): boolean =>
    entry.operation === name;

/** GraphQL variables of a logged request. */
export function variablesOf(entry: LoggedRequest): Record<string, unknown> {
  return (entry.body as { variables?: Record<string, unknown> } | null)?.variables ?? {};
}
