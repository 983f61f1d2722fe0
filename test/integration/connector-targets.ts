/**
 * What scoring and the unified ranking ask of each issue (by id), as the pipeline computes it,
 * for connector tests that drive `desired()` and `write()` without the pipeline.
 */
import { writeError, type Connector, type WriteTarget } from '../../connectors/connector.js';
import type { Issue, IssueRef, RankBatch, WriteValues } from '../../src/domain/index.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { netValue } from '../../src/scoring/net-value.js';
import { priorityBucket, rankItems } from '../../src/scoring/rank.js';

export const SETTINGS = DEFAULT_SCORING_SETTINGS;

export function writeTargets(issues: Issue[]): Map<string, WriteTarget> {
  const scored = issues.map((issue) => ({
    trackerId: issue.trackerId,
    key: issue.key,
    id: issue.id,
    result: netValue(issue.inputs, SETTINGS),
  }));
  const targets = new Map<string, WriteTarget>();
  for (const { item, rank } of rankItems(scored)) {
    targets.set(item.id, {
      result: item.result,
      rankPosition: item.result.status === 'scored' ? rank : null,
      priority: priorityBucket(item.result.netValueUsd, SETTINGS.priorityThresholdsUsd),
    });
  }
  return targets;
}

/** Writes one issue through the batched `write`, rejecting with the item's error like a call would. */
export async function writeOne(
  connector: Pick<Connector, 'write'>,
  ref: IssueRef,
  changes: WriteValues,
): Promise<void> {
  const [result] = await connector.write([
    { ref: { trackerId: ref.trackerId, id: ref.id, key: ref.key }, changes },
  ]);
  const error = writeError(result);
  if (error) throw error;
}

/** Applies one rank call through the connector's `order` (which must be enabled). */
export async function applyRank(
  connector: Pick<Connector, 'order' | 'trackerId'>,
  batch: RankBatch,
): Promise<void> {
  if (!connector.order) throw new Error(`tracker ${connector.trackerId} does not rank`);
  await connector.order.apply({ ...batch, ranks: {} });
}
