import { afterEach, describe, expect, it } from 'vitest';
import type { TrackerError } from '../../src/domain/index.js';
import { planMoves } from '../../src/scoring/plan-moves.js';
import { MAX_RANK_BATCH, toRankBatches } from '../../connectors/jira/rank.js';
import { pullAll, startHarness, writeTargets, type Harness } from './jira-harness.js';
import { applyRank } from './connector-targets.js';

/** The unified ranking's order of the pulled issues (ids), best first. */
async function plan(h: Harness) {
  const { issues } = await pullAll(h.connector);
  const targets = writeTargets(issues);
  const position = (id: string) => targets.get(id)?.rankPosition ?? Number.MAX_SAFE_INTEGER;
  const current = issues.map((i) => i.id); // pulled with ORDER BY Rank ASC
  const target = [...current].sort((a, b) => position(a) - position(b) || Number(a) - Number(b));
  const pinned = new Set(issues.filter((i) => i.pinned).map((i) => i.id));
  return { plan: planMoves(current, target, pinned), pinned, issues };
}

function inScopeOrder(h: Harness): string[] {
  return h.sandbox
    .issuesInRankOrder()
    .filter((i) => i.status !== 'Done')
    .map((i) => i.id);
}

describe('jira board rank (agile API against the sandbox)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.sandbox.close();
    h = undefined;
  });

  it("applies the planner's moves in batches of at most 50, leaving the board in target order", async () => {
    h = await startHarness({ issues: 180, seed: 7 }, { rank: true });
    expect(h.connector.order).not.toBeNull();
    expect(MAX_RANK_BATCH).toBe(50);
    const [p1, p2] = h.sandbox.issues().filter((i) => i.status !== 'Done');
    h.sandbox.editIssue(p1?.key as string, { labels: ['netvalue-pin'] });
    h.sandbox.editIssue(p2?.key as string, { labels: ['feature', 'netvalue-pin'] });
    const { plan: rankPlan, pinned } = await plan(h);
    expect(pinned.size).toBe(2);
    const batches = toRankBatches(rankPlan, MAX_RANK_BATCH);
    expect(rankPlan.moves.length).toBeGreaterThan(50);
    h.sandbox.log.clear();
    for (const batch of batches) await applyRank(h.connector, batch);

    const calls = h.sandbox.log.entries.filter((e) => e.operation === 'rank');
    expect(calls).toHaveLength(batches.length);
    expect(calls.every((c) => c.status === 204)).toBe(true);
    const sent = calls.map((c) => (c.body as { issues: string[] }).issues);
    expect(sent.every((ids) => ids.length <= 50)).toBe(true);
    expect(sent.flat().sort()).toEqual(rankPlan.moves.map((m) => m.id).sort());
    expect(inScopeOrder(h)).toEqual(rankPlan.target);
    expect(calls[0]?.body).toMatchObject({ rankCustomFieldId: 10019 });

    const again = await plan(h);
    expect(again.plan.moves).toEqual([]);
  });

  it('checks every entry of a 207 answer and names the issues that failed', async () => {
    h = await startHarness({ issues: 20 }, { rank: true });
    const [a, b, c, anchor] = h.sandbox.issuesInRankOrder().filter((i) => i.status !== 'Done');
    h.sandbox.failRankFor([b?.key as string]);
    const err = (await applyRank(h.connector, {
      ids: [c?.id, b?.id, a?.id] as string[],
      after: anchor?.id as string,
    }).catch((e: unknown) => e)) as TrackerError;
    expect(err.kind).toBe('transient');
    expect(err.message).toContain(b?.key);
    expect(err.message).not.toContain(`${a?.key} (`);
    expect(h.sandbox.log.entries.at(-1)?.status).toBe(207);
    // The others were placed after the anchor, in call order.
    const order = inScopeOrder(h);
    expect(order.indexOf(c?.id as string)).toBe(order.indexOf(anchor?.id as string) + 1);
    expect(order.indexOf(a?.id as string)).toBe(order.indexOf(anchor?.id as string) + 2);
  });

  it('refuses a batch above 50 issues before calling Jira, and the sandbox refuses it too', async () => {
    h = await startHarness({ issues: 70 }, { rank: true });
    const ids = h.sandbox.issues().map((i) => i.id);
    await expect(
      applyRank(h.connector, { ids: ids.slice(1, 52), before: ids[0] as string }),
    ).rejects.toMatchObject({ kind: 'permanent' });
    expect(h.sandbox.log.count((e) => e.operation === 'rank')).toBe(0);
    const auth = Buffer.from(`${h.sandbox.credentials.email}:${h.sandbox.credentials.apiToken}`);
    const res = await fetch(`${h.sandbox.url}/rest/agile/1.0/issue/rank`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${auth.toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ issues: ids.slice(1, 52), rankBeforeIssue: ids[0] }),
    });
    expect(res.status).toBe(400);
  });

  it('with rank off, the connector has no order and rank calls are refused', async () => {
    h = await startHarness({ issues: 5 });
    expect(h.connector.order).toBeNull();
    const ids = h.sandbox.issues().map((i) => i.id);
    await expect(
      applyRank(h.connector, { ids: [ids[1] as string], before: ids[0] as string }),
    ).rejects.toThrow('does not rank');
  });
});
