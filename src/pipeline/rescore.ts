import type { PipelineContext } from './context.js';
import { enqueuePlan } from './runs.js';

/**
 * A formula change re-scores everything: when the scoring settings differ from those the stored
 * results were made with, every tracker is re-planned with `rescore`, which writes what changed.
 * Returns true when a re-score was queued.
 */
export async function rescoreIfSettingsChanged(ctx: PipelineContext): Promise<boolean> {
  const previous = await ctx.meta.swapSettingsHash(ctx.settingsHash);
  if (previous === null || previous === ctx.settingsHash) return false;
  ctx.logger.info(
    { previous, now: ctx.settingsHash },
    'scoring settings changed: re-scoring every issue',
  );
  for (const t of ctx.config.trackers)
    await enqueuePlan(ctx, { trackerId: t.id, runId: null, rescore: true });
  return true;
}
