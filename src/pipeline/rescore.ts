/**
 * A formula change re-scores everything, as one ordered piece of work: first every tracker's
 * stored records are re-scored (state only, no writes), so the unified ranking is whole again;
 * then each tracker is planned once, by the start-up sync (or a plan job), and every changed issue
 * is written once with its final value and rank position (docs/architecture.md, "The job catalog").
 */
import type { Connector } from '../../connectors/connector.js';
import type { IssueRecord } from '../store/issue-record.js';
import type { PipelineContext } from './context.js';
import { enqueuePlan } from './runs.js';
import { rescoreRecord } from './score-record.js';
import { HISTORY_WHY, saveWithHistory } from './score-history.js';

/** The writes' `why` after a change of the scoring settings. */
export const SETTINGS_CHANGED = 'scoring settings changed';

/** Re-scores the records made with other settings (or all, when `force`) and saves them. */
export async function rescoreStale(
  ctx: Pick<PipelineContext, 'settings' | 'settingsHash' | 'store' | 'history' | 'logger'>,
  connector: Connector,
  records: IssueRecord[],
  force = false,
): Promise<IssueRecord[]> {
  if (!force && records.every((r) => r.scoredWith === ctx.settingsHash)) return records;
  const env = { settings: ctx.settings, settingsHash: ctx.settingsHash, connector };
  const before = records.map((r) => r.member);
  const rescored = records.map((r) =>
    force || r.scoredWith !== env.settingsHash ? rescoreRecord(r, env) : r,
  );
  await saveWithHistory(ctx, records, rescored, HISTORY_WHY.settings, () =>
    ctx.store.putScores(rescored, before),
  );
  return rescored;
}

/**
 * When the scoring settings differ from those the stored results were made with (the first
 * process to start with new settings sees it), re-scores every tracker's stored records. Writes
 * are left to the caller's next plan: `serve` and `sync` start a sync of every tracker with
 * `reason: SETTINGS_CHANGED`; `planAfterRescore` plans them when no sync follows. Returns true when the
 * settings changed.
 */
export async function rescoreIfSettingsChanged(ctx: PipelineContext): Promise<boolean> {
  const previous = await ctx.meta.swapSettingsHash(ctx.settingsHash);
  if (previous === null || previous === ctx.settingsHash) return false;
  ctx.logger.info(
    { previous, now: ctx.settingsHash },
    'scoring settings changed: re-scoring every issue before planning',
  );
  for (const t of ctx.config.trackers) {
    const connector = ctx.connectors.get(t.id);
    if (!connector) continue;
    // Window by window (HSCAN): never every record of a tracker at once.
    for await (const records of ctx.store.scan(t.id)) await rescoreStale(ctx, connector, records);
  }
  return true;
}

/** Plans every tracker once after a re-score that no sync follows (e.g. `netvalue worker`). */
export async function planAfterRescore(ctx: PipelineContext): Promise<void> {
  for (const t of ctx.config.trackers)
    await enqueuePlan(ctx, { trackerId: t.id, runId: null, rescore: true });
}
