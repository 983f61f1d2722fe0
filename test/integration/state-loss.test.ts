/**
 * State loss (issue 15, section 3): when the deployment's Redis keys are lost (a flushed or
 * replaced Redis), the next full sync rebuilds the state from the trackers and writes nothing the
 * trackers already hold: no edit, no rank call, no Linear mutation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { deletePrefix, startHarness, writeCounts, type Harness } from './pipeline-harness.js';
import { dumpPrefix } from './server-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const syncAll = (harness: Harness) =>
  runSync(harness.ctx, {
    trackerIds: ['acme-jira', 'acme-linear'],
    full: false,
    dryRun: false,
  }).then(totals);

describe('state loss', () => {
  it('after every key of the prefix is deleted, the next sync rebuilds it and writes nothing', async () => {
    h = await startHarness({
      jira: { issues: 80, includeExamples: true, seed: 1507 },
      linear: { issues: 80, seed: 1508 },
      jiraTracker: { rank: true },
      linearTracker: { writeBack: { prioritySortOrder: true, priority: true, attachment: false } },
    });
    const first = await syncAll(h);
    expect(first.failed).toBe(0);
    const written = writeCounts(h);
    expect(written.jiraEdits + written.linearMutations).toBeGreaterThan(0);
    const rankingBefore = (await h.ctx.store.rankingAll()).map(({ record }) => record.key);
    const jiraValuesBefore = h.jira.issues().map((i) => [i.key, i.netValue, i.rankPosition]);

    // Redis loses everything of this deployment (the shared Redis is never flushed).
    await deletePrefix(h.prefix);
    expect((await dumpPrefix(h.prefix)).size).toBe(0);

    const second = await syncAll(h);
    expect(second.failed).toBe(0);
    expect(second.pulled).toBe(first.pulled);
    // Nothing the trackers already hold was written again.
    expect(writeCounts(h)).toEqual(written);
    expect(second).toMatchObject({ written: 0, moved: 0 });
    // The state is back: the same unified ranking, the trackers untouched.
    expect((await h.ctx.store.rankingAll()).map(({ record }) => record.key)).toEqual(rankingBefore);
    expect(h.jira.issues().map((i) => [i.key, i.netValue, i.rankPosition])).toEqual(
      jiraValuesBefore,
    );
  });
});
