/**
 * Many issues' sort order and priority in one request (aliased `issueUpdate`s). Linear's quota is
 * per request (2,500/hour for an API key), so a first sync of 1,000 issues costs 40 requests, not
 * 1,000. Items that carry a note (attachment) go one by one: an attachment is its own mutation.
 * When a batch fails for one item's sake (bad input), every item is retried alone, so one bad
 * issue never blocks the others and each gets its own error.
 */
import { isTrackerError, type TrackerError } from '../../src/domain/index.js';
import type { WriteItem, WriteResult } from '../connector.js';
import { send } from './client.js';
import type { LinearContext } from './context.js';
import { issueUpdates } from './queries.js';
import { issueInput, landedAt, writeChanges } from './write.js';

export { LINEAR_WRITE_BATCH } from './connector.js';

export async function writeMany(
  ctx: LinearContext,
  items: readonly WriteItem[],
): Promise<WriteResult[]> {
  const results: WriteResult[] = items.map(() => null);
  const batch: { index: number; input: Record<string, number> }[] = [];
  const alone: number[] = [];
  items.forEach((item, index) => {
    if (item.changes.note !== undefined) return alone.push(index);
    try {
      const input = issueInput(ctx.mapping.config, item.ref, item.changes);
      if (Object.keys(input).length > 0) batch.push({ index, input });
    } catch (err) {
      results[index] = asTrackerError(err);
    }
    return undefined;
  });
  // One issue needs no aliases: the plain `issueUpdate` (same cost, simpler to read in logs).
  if (batch.length === 1) alone.push((batch.pop() as { index: number }).index);
  if (batch.length > 0) {
    const variables: Record<string, unknown> = {};
    batch.forEach(({ index, input }, i) => {
      variables[`id${i}`] = items[index]?.ref.id;
      variables[`input${i}`] = input;
    });
    try {
      const data = await send<Record<string, unknown>>(
        ctx.api,
        'write',
        { action: `update ${batch.length} issues` },
        issueUpdates(batch.length),
        variables,
      );
      batch.forEach(({ index }, i) => (results[index] = dated(landedAt(data[`u${i}`]))));
    } catch (err) {
      const error = asTrackerError(err);
      // Rate limits and outages concern the whole request; anything else is found item by item.
      if (error.kind === 'rate_limited' || error.kind === 'transient') {
        for (const { index } of batch) results[index] = error;
      } else {
        alone.push(...batch.map((b) => b.index));
      }
    }
  }
  for (const index of alone) {
    const item = items[index] as WriteItem;
    try {
      results[index] = dated(await writeChanges(ctx, item.ref, item.changes));
    } catch (err) {
      results[index] = asTrackerError(err);
    }
  }
  return results;
}

/** Written: dated when Linear said when. */
function dated(at: string | null): WriteResult {
  return at === null ? null : { landedAt: at };
}

function asTrackerError(err: unknown): TrackerError {
  if (isTrackerError(err)) return err;
  throw err;
}
