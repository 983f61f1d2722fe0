/**
 * The plan job streams a tracker's records in windows (src/pipeline/plan-stored.ts). Whatever the
 * window size, one record per window or the whole tracker in one, it decides exactly what the
 * in-memory planner decides on every record at once: the same writes, order calls, moves, dry-run
 * lines and saved rank positions and sort keys. Real Redis, the real connectors' order planning.
 */
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/connector.js';
import { planStored } from '../../src/pipeline/plan-stored.js';
import { planTracker } from '../../src/pipeline/plan-tracker.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { plannedOf, rankMember } from '../../src/store/issue-store.js';
import { redisKeys } from '../../src/store/keys.js';
import { REDIS_URL, startHarness, type Harness } from './pipeline-harness.js';
import { recordFixture } from './record-fixture.js';

let h: Harness;
beforeAll(async () => {
  // Jira writes net value and position and moves the board; Linear moves by sort keys.
  h = await startHarness({
    workers: false,
    jiraTracker: { rank: true },
  });
}, 60_000);
afterAll(() => h.close());

/** The connector without its current-ranks read: both planners then plan on stored ranks. */
function storedRanksOnly(trackerId: string): Connector {
  const connector = h.ctx.connectors.get(trackerId) as Connector;
  if (!connector.order) return connector;
  const own = connector.order;
  const order = { plan: own.plan.bind(own), apply: own.apply.bind(own) };
  // The connector may be a class instance: keep its methods, shadow only `order`.
  return Object.create(connector, { order: { value: order } }) as Connector;
}

interface IssueShape {
  netValueUsd: number;
  scored: boolean;
  rank: number | null;
  pinned: boolean;
  written: number | undefined;
}

const issue: fc.Arbitrary<IssueShape> = fc.record({
  netValueUsd: fc.integer({ min: -5_000, max: 5_000 }),
  scored: fc.boolean(),
  rank: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
  pinned: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  written: fc.option(fc.integer({ min: -5_000, max: 5_000 }), { nil: undefined }),
});

function recordsOf(
  trackerId: string,
  issues: IssueShape[],
  rankOf: (n: number) => string | number,
): IssueRecord[] {
  return issues.map((i, n) => {
    const id = `${trackerId}-${n}`;
    const base = recordFixture(id, i.netValueUsd, {
      trackerId,
      key: `K-${n}`,
      rank: i.rank === null ? null : rankOf(i.rank),
      pinned: i.pinned,
      current: i.written === undefined ? {} : { netValueUsd: i.written },
      // Made with the settings in force: neither planner re-scores it.
      scoredWith: h.ctx.settingsHash,
    });
    const result = i.scored
      ? base.result
      : { ...base.result, status: 'unscored' as const, netValueUsd: null, reason: 'no value' };
    // Unscored issues sort last, as the ranking's sort keys put them.
    const sortKey = i.scored ? String(1e9 - i.netValueUsd).padStart(12, '0') : `~${n}`;
    return { ...base, result, member: rankMember(sortKey, trackerId, id) };
  });
}

const sortedIds = (ids: readonly string[]) => [...ids].sort();

describe('a plan streamed in windows', () => {
  it('decides what the in-memory planner decides, for every window size', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(issue, { minLength: 1, maxLength: 40 }),
        fc.array(issue, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 45 }),
        async (jiraIssues, linearIssues, chunk) => {
          round += 1;
          const jira = `acme-jira`;
          const linear = `acme-linear`;
          // A fresh state per round: what the previous round stored is removed first.
          for (const trackerId of [jira, linear])
            for (const r of await h.ctx.store.all(trackerId)) await h.ctx.store.remove(r);
          const records = [
            ...recordsOf(jira, jiraIssues, (n) => `0|i${String(n).padStart(4, '0')}:`),
            ...recordsOf(linear, linearIssues, (n) => n * 1000 + round),
          ];
          await h.ctx.store.putMany(records);

          for (const trackerId of [jira, linear]) {
            const connector = storedRanksOnly(trackerId);
            const all = await h.ctx.store.all(trackerId);
            const positions = await h.ctx.store.positionsOf(trackerId);
            const expected = planTracker(all, positions, connector, h.ctx.settings);
            const options = { run: null, rescore: false, lines: true } as const;
            const whole = await planStored(h.ctx, trackerId, connector, {
              ...options,
              chunk: 10_000,
            });
            const windowed = await planStored(h.ctx, trackerId, connector, { ...options, chunk });

            for (const got of [whole, windowed]) {
              expect(got.total).toBe(all.length);
              expect(sortedIds(got.writeIds)).toEqual(sortedIds(expected.writeIds));
              expect(got.orderSteps).toEqual(expected.orderSteps);
              expect(got.moved).toBe(expected.moved);
              expect(sortedIds(got.lines)).toEqual(sortedIds(expected.lines));
            }
            // Window size changes nothing, not even the order writes are queued in.
            expect(windowed.writeIds).toEqual(whole.writeIds);
            expect(windowed.lines).toEqual(whole.lines);
            // The planner's own values saved are the in-memory planner's.
            const saved = await h.ctx.store.all(trackerId);
            const want = new Map(expected.records.map((r) => [r.id, plannedOf(r.desired)]));
            for (const r of saved) expect(plannedOf(r.desired)).toEqual(want.get(r.id));
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('takes its order from the ranking set as it is now, each row by the member it was read with', async () => {
    const jira = 'acme-jira';
    for (const r of await h.ctx.store.all(jira)) await h.ctx.store.remove(r);
    // Every issue needs a write (the tracker holds another net value), best first.
    const shapes = Array.from({ length: 7 }, (_, n) => ({
      netValueUsd: 1_000 - n * 100,
      scored: true,
      rank: n,
      pinned: false,
      written: -1,
    }));
    const records = recordsOf(jira, shapes, (n) => `0|i${String(n).padStart(4, '0')}:`);
    await h.ctx.store.putMany(records);
    const redis = new Redis(REDIS_URL);
    try {
      const key = redisKeys(h.prefix).ranking(jira);
      const [r0, , , r3, , r5] = records;
      // The best issue's member is gone (as while the issue is removed): it goes last.
      await redis.zrem(key, r0?.member ?? '');
      // First of all, a member of an issue no record has: passed over.
      await redis.zadd(key, 0, rankMember('000', jira, 'never-stored'));
      // Before the rest, a member left behind for r3 (its own is still there): r3 keeps its place.
      await redis.zadd(key, 0, rankMember('0000', jira, r3?.id ?? ''));
      // r5 re-scored since (its member replaced by one before the rest): r5 takes the new place.
      await redis.zrem(key, r5?.member ?? '');
      await redis.zadd(key, 0, rankMember('0001', jira, r5?.id ?? ''));
      const options = { run: null, rescore: false, chunk: 2 } as const;
      const plan = await planStored(h.ctx, jira, storedRanksOnly(jira), options);
      expect(plan.total).toBe(records.length);
      const order = [5, 1, 2, 3, 4, 6, 0].map((n) => records[n]?.id);
      expect(plan.writeIds).toEqual(order);
    } finally {
      await redis.quit();
    }
  });
});
