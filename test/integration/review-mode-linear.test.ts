/**
 * Review before write on Linear (README "Review before write"): priorities and the priority order
 * (`prioritySortOrder`, whose moves ride on the issue update) wait in the pending plan, shown as
 * moves in words, and an approval sends exactly the approved issues' updates. Jira stays in auto
 * mode here and keeps writing at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanView } from '../../src/pipeline/review-plans.js';
import { changedValues } from '../../src/scoring/write-diff.js';
import { linearUpdatedIds, writeCounts } from './pipeline-harness.js';
import { JIRA_FIELDS, startServerHarness, syncAll, type ServerHarness } from './server-harness.js';
import { approvedJobsDone, planRoutes, webhookPlanDone } from './review-mode-harness.js';

const LINEAR = 'acme-linear';
const MUTATION = 'NetvalueIssueUpdate';
const SECRET = 'lin_wh_review_mode_test_secret_0123456789';

describe('review mode (Linear)', () => {
  let h: ServerHarness;
  let routes: ReturnType<typeof planRoutes>;
  beforeAll(async () => {
    h = await startServerHarness({
      jira: { issues: 8, seed: 1411 },
      linear: { issues: 16, seed: 1412 },
      jiraTracker: { fields: JIRA_FIELDS },
      linearTracker: {
        writeMode: 'review',
        webhookSecret: SECRET,
        writeBack: { prioritySortOrder: true, priority: true, attachment: false },
      },
    });
    routes = planRoutes(h);
    await syncAll(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  const updatedIds = () =>
    h.linear.log.entries
      .filter((e) => e.operation.startsWith(MUTATION))
      .flatMap((e) => linearUpdatedIds(e.body));

  it('lists priorities and priority-order moves without writing; Jira (auto) is written', async () => {
    expect(updatedIds()).toEqual([]);
    expect(writeCounts(h).linearMutations).toBe(0);
    expect(writeCounts(h).jiraEdits).toBeGreaterThan(0);
    const plan = await routes.plan(LINEAR);
    const records = await h.ctx.store.all(LINEAR);
    const differing = records.filter((r) => changedValues(r.current, r.desired) !== null);
    expect(plan.items.map((i) => i.issueId).sort()).toEqual(differing.map((r) => r.id).sort());
    for (const r of differing) {
      const item = plan.items.find((i) => i.issueId === r.id);
      const changes = changedValues(r.current, r.desired) ?? {};
      // A new sort key is a move in words, never the raw number.
      expect(item?.move !== null).toBe(changes.sortKey !== undefined);
      if (item?.move) expect(item.move.text).toMatch(/^moves (above|below) [A-Z]+-\d+ \(/);
      expect(JSON.stringify(item)).not.toContain('sortKey');
      const priority = item?.changes.find((c) => c.field === 'priority');
      expect(priority?.to ?? null).toBe(changes.priority ?? null);
      if (priority) expect(priority.from).toBe(h.linear.issue(r.key).priority);
    }
    expect(plan.items.some((i) => i.move !== null)).toBe(true);
    expect(plan.items.some((i) => i.changes.length > 0)).toBe(true);
  });

  it('sends exactly the approved issues, with their priority and place; the rest waits', async () => {
    const before = await routes.plan(LINEAR);
    const chosen = before.items.filter((i) => i.move !== null).slice(0, 2);
    expect(chosen).toHaveLength(2);
    const others = h.linear.issues().filter((i) => !chosen.some((c) => c.issueId === i.id));
    const done = approvedJobsDone(h, LINEAR, 1);
    const res = await routes.post(`/admin/plans/${LINEAR}/approve`, {
      keys: chosen.map((i) => i.key),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ approved: 2, remaining: before.items.length - 2 });
    await done;

    expect(updatedIds().sort()).toEqual(chosen.map((i) => i.issueId).sort());
    for (const item of chosen) {
      const record = await h.ctx.store.get(LINEAR, item.issueId);
      const issue = h.linear.issue(item.key);
      expect(issue.prioritySortOrder).toBe(record?.desired.sortKey);
      const priority = item.changes.find((c) => c.field === 'priority');
      if (priority) expect(issue.priority).toBe(priority.to);
    }
    // Nobody else was touched.
    for (const o of others)
      expect(h.linear.issue(o.identifier).prioritySortOrder).toBe(o.prioritySortOrder);
    const after = await routes.plan(LINEAR);
    expect(after.items.map((i) => i.key).sort()).toEqual(
      before.items
        .filter((i) => !chosen.includes(i))
        .map((i) => i.key)
        .sort(),
    );
  });

  it('drops what a person already set: an issue that holds the desired priority', async () => {
    const before = await routes.plan(LINEAR);
    const item = before.items.find((i) => i.changes.some((c) => c.field === 'priority'));
    const change = item?.changes.find((c) => c.field === 'priority');
    if (!item || typeof change?.to !== 'number') throw new Error('no priority change pending');
    h.linear.editIssue(item.key, { priority: change.to });
    const planned = webhookPlanDone(h, LINEAR);
    const delivery = h.linear.webhook(item.key, {
      secret: SECRET,
      updatedFrom: { priority: change.from },
      actorId: 'a-person',
    });
    const res = await h.inject({
      method: 'POST',
      url: `/webhooks/linear/${LINEAR}`,
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(res.statusCode, res.body).toBe(200);
    await planned;
    const after = (await routes.plan(LINEAR)).items.find((i) => i.key === item.key);
    const rest = item.changes.filter((c) => c.field !== 'priority');
    if (rest.length === 0 && item.move === null) expect(after).toBeUndefined();
    else expect(after?.changes).toEqual(rest);
    expect(updatedIds()).toHaveLength(2); // still only the two approved before
  });

  it('follows a webhook edit, then approving everything leaves nothing pending', async () => {
    const pending = await routes.plan(LINEAR);
    // The lowest on the board of the issues not pending: leading the ranking, it has to move.
    const record = (await h.ctx.store.all(LINEAR))
      .filter((r) => !pending.items.some((p) => p.issueId === r.id))
      .sort((a, b) => Number(b.rank) - Number(a.rank))[0];
    if (!record) throw new Error('every issue is pending');
    const target = h.linear.issue(record.key);
    h.linear.editIssue(target.identifier, { valueLabel: '$900k' });
    const planned = webhookPlanDone(h, LINEAR);
    const delivery = h.linear.webhook(target.identifier, {
      secret: SECRET,
      updatedFrom: { labelIds: [] },
      actorId: 'a-person',
    });
    const res = await h.inject({
      method: 'POST',
      url: `/webhooks/linear/${LINEAR}`,
      headers: delivery.headers,
      payload: delivery.body,
    });
    expect(res.statusCode, res.body).toBe(200);
    await planned;
    const updated = await routes.plan(LINEAR);
    expect(updated.items.map((i) => i.issueId)).toContain(target.id);
    expect(updated.items.find((i) => i.issueId === target.id)?.move?.toRank).toBe(1);
    expect(updatedIds()).toHaveLength(2); // still only the two approved before

    const count = updated.items.length;
    const writesDone = approvedJobsDone(h, LINEAR, 1);
    const all = await routes.post(`/admin/plans/${LINEAR}/approve`);
    expect(all.json()).toEqual({ approved: count, remaining: 0 });
    await writesDone;
    await syncAll(h);
    expect((await routes.plan(LINEAR)).items).toEqual([]);
    const planView: PlanView = await routes.plan(LINEAR);
    expect(planView.writeMode).toBe('review');
  });
});
