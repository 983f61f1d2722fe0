/**
 * Linear's complexity budget, used well: a pull costs at most 40 points per issue (measured by the
 * sandbox, which computes complexity as Linear documents it), an issue with more labels than a page
 * carries still maps all of them, and the sync right after netvalue's writes does not re-read the
 * issues whose only change was that write, while it still reads every person's edit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LABELS_PER_ISSUE } from '../../connectors/linear/queries.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import {
  pullAll,
  startHarness as startConnector,
  type Harness as ConnectorHarness,
} from './linear-harness.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
let c: ConnectorHarness | null = null;
afterEach(async () => {
  await h?.close();
  await c?.sandbox.close();
  h = null;
  c = null;
});

describe('Linear complexity per issue', () => {
  it('a full pull costs at most 40 complexity points per issue, label follow-ups included', async () => {
    c = await startConnector({ issues: 600, seed: 91 });
    const inScope = c.sandbox
      .issues()
      .find((i) => i.teamKey === 'ENG' && !['completed', 'canceled'].includes(i.stateType));
    c.sandbox.editIssue(inScope?.identifier as string, {
      labels: Array.from({ length: LABELS_PER_ISSUE + 5 }, (_, i) => `tag-${i}`),
    });
    const before = new Map([...c.sandbox.rate.usage].map(([op, u]) => [op, { ...u }] as const));
    const { issues } = await pullAll(c.connector);
    const spent = (op: string) =>
      (c?.sandbox.rate.usage.get(op)?.complexity ?? 0) - (before.get(op)?.complexity ?? 0);
    const perIssue = (spent('NetvalueIssues') + spent('NetvalueIssueLabels')) / issues.length;
    expect(issues.length).toBeGreaterThan(300);
    expect(perIssue).toBeLessThanOrEqual(40);
    expect(c.sandbox.rate.usage.get('NetvalueIssueLabels')?.requests).toBe(1);
  });

  it('an issue with more labels than the first page maps all its labels (pull and fetch)', async () => {
    c = await startConnector({ issues: 30, seed: 92, includeExamples: true });
    const many = Array.from({ length: 2 * LABELS_PER_ISSUE + 3 }, (_, i) => `tag-${i}`);
    // The Value label sits after every other label, beyond the first page.
    const edited = c.sandbox.editIssue('ENG-1', { labels: many });
    expect(edited.labels.length).toBe(many.length + 1);
    const { issues } = await pullAll(c.connector);
    const pulled = issues.find((i) => i.key === 'ENG-1');
    expect(pulled?.labels.length).toBe(many.length + 1);
    expect(pulled?.labels).toEqual(expect.arrayContaining(many));
    const fetched = await c.connector.fetchIssue(pulled?.id as string);
    expect(fetched?.labels.length).toBe(many.length + 1);
    expect(fetched?.inputs).toEqual(pulled?.inputs);
  });
});

describe('no re-read of our own writes', () => {
  it("the sync after writing re-reads at most 5 % of the written issues, and reads every person's edit", async () => {
    h = await startHarness({
      jira: { issues: 5, seed: 93 },
      linear: { issues: 400, seed: 94 },
      linearTracker: { writeBack: { prioritySortOrder: true, priority: true } },
    });
    const first = totals(
      await runSync(h.ctx, { trackerIds: ['acme-linear'], full: true, dryRun: false }),
    );
    expect(first.failed).toBe(0);
    const ws = h.linear.workspace;
    const written = ws.issues.filter((i) => i.activity.some((a) => a.userId === ws.viewer.id));
    expect(written.length).toBeGreaterThan(100);
    // People edit 4 of the written issues and one it did not write.
    const edited = written.slice(0, 4).map((i) => ws.identifier(i));
    for (const key of edited) h.linear.editIssue(key, { estimate: 21 });
    const untouched = ws.issues.find(
      (i) =>
        !written.includes(i) &&
        ws.state(i.stateId).type === 'backlog' &&
        ws.team(i.teamId).key === 'ENG',
    );
    if (untouched) h.linear.editIssue(ws.identifier(untouched), { estimate: 21 });
    const pullsBefore = h.linear.log.count((e) => e.operation === 'NetvalueIssues');
    const next = totals(
      await runSync(h.ctx, { trackerIds: ['acme-linear'], full: false, dryRun: false }),
    );
    expect(next.failed).toBe(0);
    const humanEdits = edited.length + (untouched ? 1 : 0);
    const reread = next.pulled - humanEdits;
    expect(reread).toBeLessThanOrEqual(written.length * 0.05);
    expect(h.linear.log.count((e) => e.operation === 'NetvalueIssues') - pullsBefore).toBe(1);
    // Every person's edit was read.
    const ids = [
      ...edited.map((k) => ws.findIssue(k)?.id as string),
      ...(untouched ? [untouched.id] : []),
    ];
    const stored = await h.ctx.store.getMany('acme-linear', ids);
    expect(stored.map((r) => r?.inputs.cost)).toEqual(ids.map(() => 21));
  });
});
