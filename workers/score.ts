/** Score: compute net values, store them with the ranking, and queue writes that would change. */
import type { Job } from 'bullmq';
import { connectorFor, type PipelineContext } from '../src/pipeline/context.js';
import { unlessTrackerBusy } from '../src/pipeline/job-errors.js';
import { scorePhaseDone } from '../src/pipeline/runs.js';
import { readIssue } from '../src/pipeline/issue-reads.js';
import { scoreRecord } from '../src/pipeline/score-record.js';
import { inReviewMode } from '../src/pipeline/review-plans.js';
import { HISTORY_WHY, saveWithHistory } from '../src/pipeline/score-history.js';
import { queueSettlePlan } from '../src/pipeline/settle-plan.js';
import { JOB, WRITE_JOB_PRIORITY, type ScoreIssueData, type ScorePageData } from '../src/queues.js';
import { changedValues } from '../src/scoring/write-diff.js';
import { parseIssue, type Issue } from '../src/domain/issue.js';

export async function processScorePage(ctx: PipelineContext, data: ScorePageData): Promise<void> {
  const pulled = data.issues.map(parseIssue);
  // Issues that left the scope after this page was read stay out (IssueStore.removedSince).
  const gone = await ctx.store.removedSince(data.trackerId, pulled, data.pulledAtMs);
  const issues = gone.size === 0 ? pulled : pulled.filter((i) => !gone.has(i.id));
  const env = {
    settings: ctx.settings,
    settingsHash: ctx.settingsHash,
    connector: connectorFor(ctx, data.trackerId),
  };
  const previous = await ctx.store.getMany(
    data.trackerId,
    issues.map((i) => i.id),
  );
  // A page read before a newer snapshot was stored (a webhook's, say) never rolls it back.
  const records = issues.map((issue, i) => {
    const before = previous[i] ?? null;
    return before && isOlder(issue, before) ? before : scoreRecord(issue, before, env);
  });
  await saveWithHistory(ctx, previous, records, HISTORY_WHY.sync, () =>
    ctx.store.putMany(
      records,
      previous.map((p) => p?.member ?? null),
    ),
  );
  const count = (status: string): number =>
    records.filter((r) => r.result.status === status).length;
  if (data.full) {
    await ctx.runs.markSeen(
      data.runId,
      records.map((r) => r.id),
    );
  }
  await ctx.runs.touchLock(data.trackerId, data.runId);
  await ctx.runs.count(data.runId, {
    scored: count('scored'),
    unscored: count('unscored'),
    invalid: count('invalid'),
  });
  if (await ctx.runs.finishScore(data.runId, data.page)) {
    await scorePhaseDone(ctx, data.runId, data.trackerId);
  }
}

function isOlder(issue: Issue, stored: { updatedAt: string }): boolean {
  return Date.parse(issue.updatedAt) < Date.parse(stored.updatedAt);
}

/** One issue from a webhook: score it, write its own values now, and re-plan ranks once edits settle. */
export async function processScoreIssue(
  ctx: PipelineContext,
  data: ScoreIssueData,
  job: Pick<Job, 'id'>,
): Promise<void> {
  const connector = connectorFor(ctx, data.trackerId);
  const previous = await ctx.store.get(data.trackerId, data.issueId);
  const issue = data.remove ? null : await latestIssue(ctx, data.trackerId, data.issueId, previous);
  if (issue === null) {
    if (previous) await ctx.store.remove(previous);
    ctx.logger.info(
      { trackerId: data.trackerId, issueId: data.issueId },
      'issue removed or out of scope',
    );
  } else {
    const env = { settings: ctx.settings, settingsHash: ctx.settingsHash, connector };
    const record = scoreRecord(issue, previous, env);
    await saveWithHistory(ctx, [previous], [record], HISTORY_WHY.webhook, () =>
      ctx.store.putMany([record], [previous?.member ?? null]),
    );
    // Review mode writes nothing now: the plan job below brings the pending plan up to date.
    if (changedValues(record.current, record.desired) && !inReviewMode(ctx, data.trackerId)) {
      // Its own job, for a write within seconds; marked queued so a plan meanwhile adds none.
      // A job already waiting (queued by a plan that ran between the save and here) re-reads
      // the values when it runs, so it covers this change: no second job.
      const fresh = await ctx.locks.markQueued(
        data.trackerId,
        [record.id],
        `score-${job.id ?? data.issueId}`,
      );
      if (fresh.length > 0)
        await ctx.queues.tracker(data.trackerId).add(
          JOB.write,
          {
            trackerId: data.trackerId,
            runId: null,
            issueIds: [record.id],
            why: 'issue changed (webhook)',
            ...(data.receivedAtMs ? { receivedAtMs: data.receivedAtMs } : {}),
          },
          {
            deduplication: { id: `wb-${data.trackerId}-${record.id}`, keepLastIfActive: true },
            priority: WRITE_JOB_PRIORITY,
          },
        );
    }
  }
  // Rank moves and positions wait until a burst of edits settles (debounce).
  await queueSettlePlan(ctx.queues, data.trackerId, ctx.config.sync.rankSettleMs);
}

/**
 * The newest state of an issue: the webhook snapshot when there is one, the issue is already known
 * to be in scope, and the snapshot is not older than the state held (a tracker may deliver an old
 * event after a newer one); otherwise one read from the tracker, which also applies the scope.
 * Connectors give a snapshot only when the payload shows the issue in scope (Connector.parseWebhook);
 * without one the issue is read, and an issue that left the scope reads as null and is removed.
 */
async function latestIssue(
  ctx: PipelineContext,
  trackerId: string,
  issueId: string,
  previous: { updatedAt: string } | null,
): Promise<Issue | null> {
  const snapshot = await ctx.meta.takeSnapshot(trackerId, issueId);
  // Unreadable times never make a snapshot "older" (NaN compares false).
  const stale =
    snapshot && previous && Date.parse(snapshot.updatedAt) < Date.parse(previous.updatedAt);
  if (snapshot && previous && !stale) return snapshot;
  // Not in a slot of the shared score queue for long: other trackers' jobs need it.
  await unlessTrackerBusy(ctx.limiter, trackerId);
  // Paced, and shared with the other jobs reading this tracker meanwhile (issue-reads.ts).
  return readIssue(ctx, trackerId, issueId);
}
