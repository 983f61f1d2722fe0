/**
 * Full sync throughput and API economy. The pipeline (queues, Redis state, workers) against the
 * limit: the very same HTTP calls (every page read, one write per changed issue, the same rank
 * batches) made directly with the same connectors and SDK clients at the same concurrency.
 */
import type { Connector, WriteItem } from '../connectors/connector.js';
import { pullAll } from '../connectors/pull-all.js';
import type { Issue } from '../src/domain/index.js';
import { planTracker } from '../src/pipeline/plan-tracker.js';
import { scoreRecord } from '../src/pipeline/score-record.js';
import { runSync, totals } from '../src/pipeline/sync-run.js';
import { longestIncreasing } from '../src/scoring/plan-moves.js';
import { changedValues } from '../src/scoring/write-diff.js';
import type { IssueRecord } from '../src/store/issue-record.js';
import { startWorkers } from '../workers/index.js';
import { startBenchDeployment, TRACKERS, type BenchDeployment } from './deployment.js';
import { timeMs } from './stats.js';

/** Jobs per queue in the pipeline; with 8 calls in flight per write job (write-issues.ts). */
export const PIPELINE_CONCURRENCY = 8;
export const CALLS_IN_FLIGHT = PIPELINE_CONCURRENCY * 8;

export interface FullSyncRun {
  issues: number;
  pipelineMs: number;
  limitMs: number;
  reads: number;
  writes: number;
  resyncWrites: number;
  rankMoves: number;
  rankMovesMinimum: number;
}

export async function benchFullSyncRun(
  issuesPerTracker: number,
  seed: number,
): Promise<FullSyncRun> {
  const limitMs = await limitRun(issuesPerTracker, seed);
  const d = await startBenchDeployment(issuesPerTracker, {
    seed,
    concurrency: PIPELINE_CONCURRENCY,
  });
  const workers = startWorkers(d.ctx, { concurrency: PIPELINE_CONCURRENCY });
  try {
    await d.sandboxes.call('clearLogs'); // set-up reads (fields, teams) are not the sync
    let summary = totals([]);
    const pipelineMs = await timeMs(async () => {
      summary = totals(
        await runSync(d.ctx, { trackerIds: [...TRACKERS], full: true, dryRun: false }),
      );
    });
    if (summary.failed > 0)
      throw new Error(`benchmark sync failed: ${JSON.stringify(summary.failures.slice(0, 3))}`);
    const { reads, writes } = await d.sandboxes.call<{ reads: number; writes: number }>('counts');

    const resync = totals(
      await runSync(d.ctx, { trackerIds: [...TRACKERS], full: true, dryRun: false }),
    );

    // One issue's value changes: count the rank moves against the minimum (N - LIS).
    const ranking = (await d.ctx.store.rankingAll())
      .map((r) => r.record)
      .filter((r) => r.trackerId === TRACKERS[0]);
    const target = ranking.find((r, i) => i > ranking.length / 2 && r.result.status === 'scored');
    if (!target) throw new Error('no issue to change');
    const before = await d.sandboxes.call<string[]>('jiraOrder');
    await d.sandboxes.call('editJira', target.key, 10_000_000);
    const changed = totals(
      await runSync(d.ctx, { trackerIds: [TRACKERS[0]], full: false, dryRun: false }),
    );
    const after = (await d.ctx.store.rankingAll())
      .map((r) => r.record)
      .filter((r) => r.trackerId === TRACKERS[0])
      .map((r) => r.id);
    const position = new Map(before.map((id, i) => [id, i]));
    const minimum =
      after.length - longestIncreasing(after.map((id) => position.get(id) ?? -1)).length;
    return {
      issues: summary.pulled,
      pipelineMs,
      limitMs,
      reads,
      writes,
      resyncWrites: resync.written + resync.moved,
      rankMoves: changed.moved,
      rankMovesMinimum: minimum,
    };
  } finally {
    await workers.close();
    await d.close();
  }
}

/** The limit: the same calls, made directly, with `CALLS_IN_FLIGHT` writes at a time. */
async function limitRun(issuesPerTracker: number, seed: number): Promise<number> {
  const d = await startBenchDeployment(issuesPerTracker, { seed });
  try {
    return await timeMs(async () => {
      const pulled = await Promise.all(
        TRACKERS.map((id) => pullAll(d.ctx.connectors.get(id) as Connector)),
      );
      const records = pulled.flatMap(({ issues }, t) =>
        issues.map((issue) => toRecord(d, issue, TRACKERS[t] as string)),
      );
      const calls: (() => Promise<void>)[] = [];
      for (const trackerId of TRACKERS) {
        const connector = d.ctx.connectors.get(trackerId) as Connector;
        const mine = records.filter((r) => r.trackerId === trackerId);
        const order = [...records].sort((a, b) => (a.member < b.member ? -1 : 1));
        const positions = new Map(order.map((r, i) => [r.id, i + 1]));
        const plan = planTracker(mine, positions, connector, d.ctx.settings);
        const byId = new Map(plan.records.map((r) => [r.id, r]));
        const items: WriteItem[] = [];
        for (const id of plan.writeIds) {
          const r = byId.get(id) as IssueRecord;
          const changes = changedValues(r.current, r.desired);
          if (changes) items.push({ ref: { trackerId, id, key: r.key }, changes });
        }
        // The same requests as the pipeline: batches where the connector writes many at once.
        const perCall = connector.maxWriteBatch;
        for (let i = 0; i < items.length; i += perCall) {
          const chunk = items.slice(i, i + perCall);
          calls.push(async () => {
            await connector.write(chunk);
          });
        }
        // Order steps depend on each other's order: one chain, like the pipeline's rank job.
        const steps = plan.orderSteps;
        const tracker = connector.order;
        if (steps.length > 0 && tracker)
          calls.push(async () => {
            for (const step of steps) await tracker.apply(step);
          });
      }
      await Promise.all(
        Array.from({ length: CALLS_IN_FLIGHT }, async () => {
          for (let call = calls.shift(); call; call = calls.shift()) await call();
        }),
      );
    });
  } finally {
    await d.close();
  }
}

function toRecord(d: BenchDeployment, issue: Issue, trackerId: string): IssueRecord {
  const connector = d.ctx.connectors.get(trackerId) as Connector;
  return scoreRecord(issue, null, {
    settings: d.ctx.settings,
    settingsHash: d.ctx.settingsHash,
    connector,
  });
}
