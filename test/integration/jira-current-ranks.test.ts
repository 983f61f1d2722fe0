/**
 * `order.currentRanks()`: the board's Rank values read fresh, for when stored ones are stale. Jira
 * rewrites Rank values without touching `updated` (LexoRank rebalancing), so incremental pulls
 * re-read only some issues and the stored values mix two numberings; a plan on that mix moves
 * issues that are already in place, a plan on `currentRanks()` does not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TrackerOrder } from '../../connectors/connector.js';
import { RANK_PAGE_SIZE } from '../../connectors/jira/current-ranks.js';
import { SANDBOX_FIELDS } from '../../connectors/jira/sandbox/index.js';
import type { Issue, TrackerRank } from '../../src/domain/index.js';
import { planMoves } from '../../src/scoring/plan-moves.js';
import { pullAll, startHarness, writeTargets, type Harness } from './jira-harness.js';

/** The planner's view: current order from `ranks`, target from the unified ranking. */
function planOn(order: TrackerOrder, issues: Issue[], ranks: ReadonlyMap<string, TrackerRank>) {
  const targets = writeTargets(issues);
  const position = (id: string) => targets.get(id)?.rankPosition ?? Number.MAX_SAFE_INTEGER;
  const rankOf = (id: string) => String(ranks.get(id) ?? '\uffff');
  const ids = issues.map((i) => i.id);
  const current = [...ids].sort((a, b) =>
    rankOf(a) < rankOf(b) ? -1 : rankOf(a) > rankOf(b) ? 1 : a < b ? -1 : 1,
  );
  const target = [...ids].sort((a, b) => position(a) - position(b) || Number(a) - Number(b));
  const pinned = new Set(issues.filter((i) => i.pinned).map((i) => i.id));
  const rankPlan = planMoves(current, target, pinned);
  return { rankPlan, changes: order.plan(rankPlan, ranks) };
}

const ranksOf = (issues: Issue[]) =>
  new Map(issues.flatMap((i) => (i.rank === null ? [] : [[i.id, i.rank] as const])));

describe('jira currentRanks (against the sandbox)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.sandbox.close();
    h = undefined;
  });

  /** A board already in net-value order, and the ranks a sync stored for it. */
  async function sortedBoard(): Promise<{ h: Harness; order: TrackerOrder; issues: Issue[] }> {
    const harness = await startHarness({ issues: 260, seed: 16 }, { rank: true });
    h = harness;
    const order = harness.connector.order as TrackerOrder;
    const first = (await pullAll(harness.connector)).issues;
    const { changes } = planOn(order, first, ranksOf(first));
    expect(changes.steps.length).toBeGreaterThan(0);
    for (const step of changes.steps) await order.apply(step);
    const issues = (await pullAll(harness.connector)).issues;
    expect(planOn(order, issues, ranksOf(issues)).rankPlan.moves).toEqual([]);
    return { h: harness, order, issues };
  }

  it('after a rebalance, returns the new value of every in-scope issue, none out of scope, in few requests', async () => {
    const { h, order, issues } = await sortedBoard();
    const updatedBefore = new Map(h.sandbox.issues().map((i) => [i.id, i.updatedMs]));
    const ranksBefore = new Map(h.sandbox.issues().map((i) => [i.id, i.rank]));
    expect(h.sandbox.rebalanceRanks()).toBe(260);
    const after = h.sandbox.issues();
    // Every value rewritten, the order and `updated` untouched.
    expect(after.every((i) => i.rank !== ranksBefore.get(i.id) && i.rank.startsWith('1|'))).toBe(
      true,
    );
    expect(after.every((i) => i.updatedMs === updatedBefore.get(i.id))).toBe(true);
    const byOldRank = [...after].sort((a, b) =>
      (ranksBefore.get(a.id) as string) < (ranksBefore.get(b.id) as string) ? -1 : 1,
    );
    expect(byOldRank.map((i) => i.id)).toEqual(h.sandbox.issuesInRankOrder().map((i) => i.id));

    const inScope = after.filter((i) => i.status !== 'Done');
    expect(inScope.length).toBe(issues.length);
    expect(after.length - inScope.length).toBeGreaterThan(0); // Done issues exist, out of scope
    h.sandbox.log.clear();
    const readsBefore = h.connector.requestCounts().reads;

    const ranks = await (order.currentRanks as () => Promise<Map<string, TrackerRank>>)();

    expect(ranks).toEqual(new Map(inScope.map((i) => [i.id, i.rank])));
    const searches = h.sandbox.log.entries.filter((e) => e.operation === 'search');
    expect(h.sandbox.log.entries).toHaveLength(searches.length);
    // The sandbox serves fielded pages of 100 (Jira's size for them is undocumented): 3 for 228.
    expect(searches).toHaveLength(Math.ceil(inScope.length / 100));
    expect(searches).toHaveLength(3);
    expect(h.connector.requestCounts().reads - readsBefore).toBe(searches.length);
    for (const s of searches) {
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({
        jql: 'project in (APP, OPS) AND statusCategory != Done ORDER BY Rank ASC',
        maxResults: RANK_PAGE_SIZE,
        fields: [SANDBOX_FIELDS.rank],
      });
    }
  });

  it('a plan on stale ranks (two numberings mixed) has moves; a plan on currentRanks() has none', async () => {
    const { h, order, issues } = await sortedBoard();
    const stored = ranksOf(issues);
    const syncedAtMs = Date.now();
    h.sandbox.rebalanceRanks();
    // People touch some issues near the top of the board (their score does not change), so the
    // next incremental pull re-reads those, with values from the new numbering.
    const touched = h.sandbox
      .issuesInRankOrder()
      .filter((i) => i.status !== 'Done')
      .slice(0, 20);
    for (const i of touched) h.sandbox.editIssue(i.key, { summary: `${i.summary} (edited)` });
    const reread = (await pullAll(h.connector, new Date(syncedAtMs).toISOString())).issues;
    // Re-read: the touched issues (and those our own rank calls moved, which bumped `updated`).
    const rereadIds = new Set(reread.map((i) => i.id));
    expect(touched.every((i) => rereadIds.has(i.id))).toBe(true);
    expect(reread.length).toBeLessThan(issues.length);
    for (const issue of reread) if (issue.rank !== null) stored.set(issue.id, issue.rank);

    const stale = planOn(order, issues, stored);
    expect(stale.rankPlan.moves.length).toBeGreaterThan(0);
    expect(stale.changes.steps.length).toBeGreaterThan(0);

    const fresh = planOn(
      order,
      issues,
      await (order.currentRanks as () => Promise<Map<string, TrackerRank>>)(),
    );
    expect(fresh.rankPlan.moves).toEqual([]);
    expect(fresh.changes.steps).toEqual([]);
  });
});
