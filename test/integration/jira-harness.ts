/** Shared set-up for the Jira connector tests: a sandbox, a real connector on it, scoring helpers. */
import type { Connector, WriteTarget } from '../../connectors/connector.js';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { jiraModule } from '../../connectors/jira/index.js';
import {
  startJiraSandbox,
  type JiraSandbox,
  type JiraSandboxOptions,
  type SandboxConfigOverrides,
} from '../../connectors/jira/sandbox.js';
import type { Issue, ScoringSettings } from '../../src/domain/index.js';
import { netValue } from '../../src/scoring/net-value.js';
import { rankItems } from '../../src/scoring/rank.js';

export const DEPS = { publicUrl: 'http://127.0.0.1:3000' };

export const SETTINGS: ScoringSettings = {
  horizonMonths: 1,
  hourlyRateUsd: 50,
  hoursPerPoint: 8,
  missingInput: 'unscored',
  priorityThresholdsUsd: { high: 5000, medium: 1000 },
};

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

/** What scoring + unified ranking would ask of each issue (keyed by issue id). */
export function writeTargets(issues: Issue[]): Map<string, WriteTarget> {
  const scored = issues.map((issue) => ({
    trackerId: issue.trackerId,
    key: issue.key,
    id: issue.id,
    result: netValue(issue.inputs, SETTINGS),
  }));
  const targets = new Map<string, WriteTarget>();
  for (const { item, rank } of rankItems(scored)) {
    const scoredOk = item.result.status === 'scored';
    targets.set(item.id, {
      result: item.result,
      rankPosition: scoredOk ? rank : null,
      priority: null,
    });
  }
  return targets;
}
