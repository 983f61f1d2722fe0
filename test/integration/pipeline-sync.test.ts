import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { startHarness, writeCounts, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const syncAll = (harness: Harness, full = false) =>
  runSync(harness.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full, dryRun: false }).then(
    totals,
  );

/** The net value a person would compute from the sandbox's own fields. */
function expectedJira(value: unknown, cost: unknown): number | null {
  return typeof value === 'number' && typeof cost === 'number'
    ? Math.round((value - cost * 50) * 100) / 100
    : null;
}

describe('pipeline: full sync against both sandboxes', () => {
  it('writes the expected net values and rank order, then a second sync writes nothing', async () => {
    h = await startHarness({
      jira: { issues: 150, includeExamples: true, seed: 3 },
      linear: { issues: 120, seed: 4 },
      jiraTracker: { rank: true },
    });
    const first = await syncAll(h);
    expect(first.failed).toBe(0);
    expect(first.pulled).toBeGreaterThan(150);

    // Jira: every in-scope issue holds exactly Value - hours x $50 (or nothing when unscored).
    const jiraInScope = h.jira.issues().filter((i) => i.status !== 'Done');
    for (const issue of jiraInScope)
      expect([issue.key, issue.netValue ?? null]).toEqual([
        issue.key,
        expectedJira(issue.value, issue.cost),
      ]);

    // The board order of each tracker follows the unified ranking.
    const ranking = (await h.ctx.store.rankingAll()).map(({ record }) => record);
    const jiraTarget = ranking.filter((r) => r.trackerId === 'acme-jira').map((r) => r.key);
    expect(
      h.jira
        .issuesInRankOrder()
        .filter((i) => i.status !== 'Done')
        .map((i) => i.key),
    ).toEqual(jiraTarget);
    // Linear: the same, except pinned issues, which keep their place.
    const pinned = new Set(ranking.filter((r) => r.pinned).map((r) => r.key));
    expect(pinned.size).toBeGreaterThan(0);
    const linearTarget = ranking
      .filter((r) => r.trackerId === 'acme-linear' && !pinned.has(r.key))
      .map((r) => r.key);
    const linearOrder = h.linear
      .issues()
      .filter((i) => linearTarget.includes(i.identifier))
      .sort((a, b) => a.prioritySortOrder - b.prioritySortOrder)
      .map((i) => i.identifier);
    expect(linearOrder).toEqual(linearTarget);
    for (const key of pinned)
      expect(
        h.linear.log.entries.some(
          (e) =>
            JSON.stringify(e.body).includes(h?.linear.issue(key).id ?? '?') &&
            e.operation.startsWith('NetvalueIssueUpdate'),
        ),
      ).toBe(false);

    // The method's example: performance work ranks above the login feature.
    const keys = ranking.map((r) => r.title);
    expect(keys.indexOf('Optimize application performance')).toBeLessThan(
      keys.indexOf('Implement a new user login feature'),
    );

    const before = writeCounts(h);
    const second = await syncAll(h, true);
    expect(second).toMatchObject({ written: 0, failed: 0, moved: 0 });
    expect(writeCounts(h)).toEqual(before);
  });
});

describe('issue counts by status', () => {
  it('stay exact through syncs, edits and removals without reading every record', async () => {
    h = await startHarness({ jira: { issues: 40, seed: 71 }, linear: { issues: 30, seed: 72 } });
    await syncAll(h);
    const fromRecords = async (trackerId: string) => {
      const records = await h!.ctx.store.all(trackerId);
      const count = (s: string) => records.filter((r) => r.result.status === s).length;
      return {
        total: records.length,
        scored: count('scored'),
        unscored: count('unscored'),
        invalid: count('invalid'),
      };
    };
    for (const t of ['acme-jira', 'acme-linear'])
      expect(await h.ctx.store.counts(t)).toEqual(await fromRecords(t));
    const scored = h.jira
      .issues()
      .find(
        (i) => i.status !== 'Done' && typeof i.value === 'number' && typeof i.cost === 'number',
      );
    if (!scored) throw new Error('no scored issue');
    h.jira.editIssue(scored.key, { value: null });
    h.jira.deleteIssue(
      h.jira.issues().find((i) => i.status !== 'Done' && i.key !== scored.key)?.key ?? '',
    );
    await syncAll(h, true);
    expect(await h.ctx.store.counts('acme-jira')).toEqual(await fromRecords('acme-jira'));
  });
});
