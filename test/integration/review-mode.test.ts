/**
 * Review before write on Jira (README "Review before write"): a tracker in `writeMode: review` is
 * synced, scored and ranked, but nothing reaches it until an admin approves. The plan lists every
 * difference (values and board moves, in words), follows webhook edits, and an approval sends
 * exactly the approved items through the normal write path. Linear stays in auto mode here and
 * keeps writing at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMoves } from '../../src/scoring/plan-moves.js';
import { changedValues } from '../../src/scoring/write-diff.js';
import type { PlanView } from '../../src/pipeline/review-plans.js';
import { JIRA_FIELDS, startServerHarness, syncAll, type ServerHarness } from './server-harness.js';
import { writeCounts } from './pipeline-harness.js';
import { approvedJobsDone, errorOf, planRoutes, webhookPlanDone } from './review-mode-harness.js';

const JIRA = 'acme-jira';
const MOVE_TEXT = /^moves (above|below) [A-Z]+-\d+ \((rank \d+ → \d+|to rank \d+)\)$/;

describe('review mode (Jira)', () => {
  let h: ServerHarness;
  let routes: ReturnType<typeof planRoutes>;
  let afterSync: PlanView;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 24, seed: 1401 },
      linear: { issues: 8, seed: 1402 },
      jiraTracker: { writeMode: 'review', rank: true, fields: JIRA_FIELDS },
    });
    routes = planRoutes(h);
    await syncAll(h);
    afterSync = await routes.plan(JIRA);
  });
  afterAll(async () => {
    await h?.close();
  });

  const jiraEdits = () => h.jira.log.entries.filter((e) => e.operation === 'edit');
  const jiraRanks = () => h.jira.log.entries.filter((e) => e.operation === 'rank');

  it('a sync writes nothing to the tracker in review mode; the auto-mode tracker is written', () => {
    expect(jiraEdits()).toEqual([]);
    expect(jiraRanks()).toEqual([]);
    expect(writeCounts(h).linearMutations).toBeGreaterThan(0);
  });

  it('lists every difference: each value to write and each board move, in words', async () => {
    const records = await h.ctx.store.all(JIRA);
    const byKey = new Map(afterSync.items.map((i) => [i.key, i]));
    const differing = records.filter((r) => changedValues(r.current, r.desired) !== null);
    expect(differing.length).toBeGreaterThan(5);
    for (const r of differing) {
      const item = byKey.get(r.key);
      // The value as the sandbox holds it, and as the money model computed it.
      expect(item?.changes).toEqual([
        {
          field: 'netValueUsd',
          from: h.jira.issue(r.key)?.netValue ?? null,
          to: r.result.netValueUsd,
        },
      ]);
      expect(item?.why).toBe(r.result.explanation);
      expect(item).toMatchObject({ issueId: r.id, title: r.title });
    }
    // Moves: the planner's minimal moves from the board's order to the ranking's.
    const inScope = new Set(records.map((r) => r.id));
    const board = h.jira.issuesInRankOrder().filter((i) => inScope.has(i.id));
    const target = [...records].sort((a, b) => (a.member < b.member ? -1 : 1)).map((r) => r.id);
    const moves = planMoves(
      board.map((i) => i.id),
      target,
      new Set(records.filter((r) => r.pinned).map((r) => r.id)),
    ).moves;
    expect(moves.length).toBeGreaterThan(0);
    const moved = afterSync.items.filter((i) => i.move !== null);
    expect(moved.map((i) => i.issueId).sort()).toEqual(moves.map((m) => m.id).sort());
    for (const item of moved) {
      expect(item.move?.text).toMatch(MOVE_TEXT);
      expect(item.move?.toRank).toBe(target.indexOf(item.issueId) + 1);
      expect(item.move?.fromRank).toBe(board.findIndex((i) => i.id === item.issueId) + 1);
    }
    // Nothing else: every item is a difference or a move.
    expect(afterSync.items).toHaveLength(
      new Set([...differing.map((r) => r.id), ...moves.map((m) => m.id)]).size,
    );
    expect(afterSync).toMatchObject({ trackerId: JIRA, kind: 'jira', writeMode: 'review' });
    const all = await routes.get('/admin/plans');
    expect(all.json<{ plans: PlanView[] }>().plans.map((p) => p.trackerId)).toEqual([JIRA]);
  });

  it('a webhook edit updates the pending plan and still writes nothing', async () => {
    const record = (await h.ctx.store.all(JIRA)).find(
      (r) => r.result.status === 'scored' && typeof r.inputs.cost === 'number',
    );
    if (!record) throw new Error('no scored issue');
    h.jira.editIssue(record.key, { value: 987_654 });
    const planned = webhookPlanDone(h, JIRA);
    const delivery = h.jira.webhook(record.key, { secret: h.jira.webhookSecret });
    const res = await h.inject({
      method: 'POST',
      url: `/webhooks/jira/${JIRA}`,
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(res.statusCode).toBe(200);
    await planned;
    const rescored = await h.ctx.store.get(JIRA, record.id);
    expect(rescored?.result.netValueUsd).toBe(987_654 - (record.inputs.cost as number) * 50);
    const item = (await routes.plan(JIRA)).items.find((i) => i.key === record.key);
    expect(item?.changes).toEqual([
      { field: 'netValueUsd', from: null, to: rescored?.result.netValueUsd },
    ]);
    // The issue now leads the ranking: the pending moves are the planner's from the board to the
    // new order (the issue itself moves, or every issue above it does: whichever is fewer).
    const ranking = (await h.ctx.store.rankingAll())
      .map((r) => r.record)
      .filter((r) => r.trackerId === JIRA);
    expect(ranking[0]?.id).toBe(record.id);
    const inScope = new Set(ranking.map((r) => r.id));
    const board = h.jira
      .issuesInRankOrder()
      .map((i) => i.id)
      .filter((id) => inScope.has(id));
    const pinned = new Set(ranking.filter((r) => r.pinned).map((r) => r.id));
    const moves = planMoves(
      board,
      ranking.map((r) => r.id),
      pinned,
    ).moves;
    const pendingMoves = (await routes.plan(JIRA)).items.filter((i) => i.move !== null);
    expect(pendingMoves.map((i) => i.issueId).sort()).toEqual(moves.map((m) => m.id).sort());
    const above = board.slice(0, board.indexOf(record.id));
    const moved = new Set(moves.map((m) => m.id));
    expect(item?.move?.toRank === 1 || above.every((id) => moved.has(id))).toBe(true);
    expect(jiraEdits()).toEqual([]);
    expect(jiraRanks()).toEqual([]);
  });

  it('approving some keys sends exactly those writes and moves; the rest stays pending', async () => {
    const before = await routes.plan(JIRA);
    const withMove = before.items.find((i) => i.move !== null && i.changes.length > 0);
    const valueOnly = before.items.find((i) => i.move === null && i.changes.length > 0);
    if (!withMove || !valueOnly) throw new Error(`plan lacks a mix: ${JSON.stringify(before)}`);
    const approvedIds = [withMove.issueId, valueOnly.issueId];
    const done = approvedJobsDone(h, JIRA, 2); // one write job, one rank job
    const startedAt = new Date().toISOString();
    const res = await routes.post(`/admin/plans/${JIRA}/approve`, {
      keys: [withMove.key, valueOnly.key],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ approved: 2, remaining: before.items.length - 2 });
    await done;

    const edited = jiraEdits().map((e) => e.path.split('/').pop());
    expect(edited.sort()).toEqual([...approvedIds].sort());
    expect(jiraEdits().every((e) => e.status === 204)).toBe(true);
    for (const item of [withMove, valueOnly])
      expect(h.jira.issue(item.key)?.netValue).toBe(item.changes[0]?.to);
    const ranked = jiraRanks().flatMap((e) => (e.body as { issues: string[] }).issues);
    expect(ranked).toEqual([withMove.issueId]);
    // It now sits where the plan said, relative to the issue it named.
    const [, where, anchor] = /^moves (above|below) (\S+)/.exec(withMove.move?.text ?? '') ?? [];
    const order = h.jira.issuesInRankOrder().map((i) => i.key);
    const [at, of] = [order.indexOf(withMove.key), order.indexOf(anchor ?? '')];
    expect(where === 'above' ? at < of : at > of).toBe(true);

    const after = await routes.plan(JIRA);
    const left = before.items.filter((i) => !approvedIds.includes(i.issueId)).map((i) => i.key);
    expect(after.items.map((i) => i.key).sort()).toEqual([...left].sort());

    // Who approved and when, per item; the writes say so too.
    const audit = await routes.get(`/admin/audit?trackerId=${JIRA}`);
    const entries = audit.json<{ entries: Record<string, string>[] }>().entries;
    const reviews = entries.filter((e) => e['field'] === 'review');
    expect(reviews.map((e) => e['key']).sort()).toEqual([withMove.key, valueOnly.key].sort());
    for (const e of reviews) {
      expect(e['why']).toBe('approved by admin');
      expect((e['at'] ?? '') >= startedAt).toBe(true);
      expect(e['to']).toMatch(/^Net value /);
    }
    const writes = entries.filter((e) => e['field'] === 'netValueUsd');
    expect(writes.map((e) => [e['key'], e['why']]).sort()).toEqual(
      [withMove.key, valueOnly.key].sort().map((k) => [k, 'approved by admin']),
    );
  });

  it('a later sync neither writes nor brings back what was approved', async () => {
    const before = await routes.plan(JIRA);
    const edits = jiraEdits().length;
    await syncAll(h);
    expect(jiraEdits()).toHaveLength(edits);
    const after = await routes.plan(JIRA);
    const valueKeys = (p: PlanView) =>
      p.items
        .filter((i) => i.changes.length > 0)
        .map((i) => i.key)
        .sort();
    expect(valueKeys(after)).toEqual(valueKeys(before));
  });

  it('discarding the rest empties the plan until a discarded issue changes again', async () => {
    const before = await routes.plan(JIRA);
    const res = await routes.post(`/admin/plans/${JIRA}/discard`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ discarded: before.items.length, remaining: 0 });
    expect((await routes.plan(JIRA)).items).toEqual([]);
    await syncAll(h);
    expect((await routes.plan(JIRA)).items).toEqual([]);

    const changed = before.items.find((i) => i.changes.length > 0);
    if (!changed) throw new Error('no discarded value change');
    h.jira.editIssue(changed.key, { value: 1_234_567 });
    const planned = webhookPlanDone(h, JIRA);
    const delivery = h.jira.webhook(changed.key, { secret: h.jira.webhookSecret });
    await h.inject({
      method: 'POST',
      url: `/webhooks/jira/${JIRA}`,
      headers: delivery.headers,
      payload: delivery.body,
    });
    await planned;
    const back = (await routes.plan(JIRA)).items.map((i) => i.key);
    expect(back).toContain(changed.key);
    const audit = await routes.get(`/admin/audit?trackerId=${JIRA}`);
    const discards = audit
      .json<{ entries: Record<string, string>[] }>()
      .entries.filter((e) => e['why'] === 'discarded by admin');
    expect(discards).toHaveLength(before.items.length);
  });

  it('needs the admin token', async () => {
    for (const [method, url] of [
      ['GET', '/admin/plans'],
      ['POST', `/admin/plans/${JIRA}/approve`],
      ['POST', `/admin/plans/${JIRA}/discard`],
    ] as const) {
      const res = await h.inject({ method, url, headers: { authorization: 'Bearer wrong' } });
      expect([url, res.statusCode]).toEqual([url, 401]);
    }
    expect((await routes.plan(JIRA)).items.length).toBeGreaterThan(0);
  });

  it('answers bad input with the status and the name at fault', async () => {
    const unknown = await routes.get('/admin/plans?trackerId=nope');
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'unknown_tracker' });
    expect(errorOf(unknown).message).toContain("'nope'");

    for (const action of ['approve', 'discard']) {
      const noTracker = await routes.post(`/admin/plans/nope/${action}`);
      expect([action, noTracker.statusCode]).toEqual([action, 404]);
      expect(errorOf(noTracker).message).toContain("'nope'");

      const auto = await routes.post(`/admin/plans/acme-linear/${action}`);
      expect([action, auto.statusCode]).toEqual([action, 409]);
      expect(errorOf(auto)).toMatchObject({ code: 'not_in_review' });

      const keys = await routes.post(`/admin/plans/${JIRA}/${action}`, {
        keys: ['APP-999', 'OPS-998'],
      });
      expect([action, keys.statusCode]).toEqual([action, 400]);
      expect(errorOf(keys)).toMatchObject({ code: 'not_in_plan' });
      expect(errorOf(keys).message).toContain('APP-999, OPS-998');

      const empty = await routes.post(`/admin/plans/${JIRA}/${action}`, { keys: [] });
      expect([action, empty.statusCode]).toEqual([action, 400]);
      expect(errorOf(empty)).toMatchObject({ code: 'invalid_body' });
    }
    // Auto-mode trackers have no plan: filtered on one, the list is empty.
    const autoList = await routes.get('/admin/plans?trackerId=acme-linear');
    expect(autoList.json()).toEqual({ plans: [] });

    // Nothing pending: everything discarded.
    const discard = await routes.post(`/admin/plans/${JIRA}/discard`);
    expect(discard.statusCode).toBe(200);
    for (const action of ['approve', 'discard']) {
      const nothing = await routes.post(`/admin/plans/${JIRA}/${action}`);
      expect([action, nothing.statusCode]).toEqual([action, 409]);
      expect(errorOf(nothing)).toMatchObject({ code: 'nothing_pending' });
      expect(errorOf(nothing).message).toContain('nothing pending');
    }
  });
});
