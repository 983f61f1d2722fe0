/**
 * `POST /admin/preview` reads the state window by window (src/server/preview-stored.ts). Whatever
 * the window size, it answers exactly what the in-memory preview answers on every record at once:
 * the same changes in the same order, counts, writes per tracker and overrides. Real Redis, the
 * real connectors.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../src/pipeline/context.js';
import { mergeSettings, previewScoring } from '../../src/server/preview.js';
import { previewStored } from '../../src/server/preview-stored.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { rankMember } from '../../src/store/issue-store.js';
import { startHarness, type Harness } from './pipeline-harness.js';
import { recordFixture } from './record-fixture.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workers: false, jiraTracker: { rank: true } });
}, 60_000);
afterAll(() => h.close());

const issue = fc.record({
  valueUsd: fc.integer({ min: 0, max: 9_000 }),
  costHours: fc.integer({ min: 0, max: 200 }),
  rank: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
  pinned: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

function recordsOf(
  trackerId: string,
  issues: { valueUsd: number; costHours: number; rank: number | null; pinned: boolean }[],
  rankOf: (n: number) => string | number,
): IssueRecord[] {
  return issues.map((i, n) => {
    const id = `${trackerId}-${n}`;
    const net = i.valueUsd - i.costHours * 50;
    const base = recordFixture(id, net, {
      trackerId,
      key: `K-${n}`,
      inputs: { value: i.valueUsd, cost: i.costHours, costUnit: 'hours' },
      rank: i.rank === null ? null : rankOf(i.rank),
      pinned: i.pinned,
      scoredWith: h.ctx.settingsHash,
    });
    const sortKey = String(1e9 - net).padStart(12, '0');
    return { ...base, member: rankMember(sortKey, trackerId, id) };
  });
}

describe('a preview read in windows', () => {
  it('answers what the in-memory preview answers, for every window size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(issue, { minLength: 0, maxLength: 30 }),
        fc.array(issue, { minLength: 0, maxLength: 30 }),
        fc.integer({ min: 1, max: 35 }),
        fc.record({
          hourlyRateUsd: fc.integer({ min: 10, max: 200 }),
          horizonMonths: fc.integer({ min: 1, max: 3 }),
        }),
        async (jiraIssues, linearIssues, chunk, patch) => {
          for (const trackerId of ['acme-jira', 'acme-linear'])
            for (const r of await h.ctx.store.all(trackerId)) await h.ctx.store.remove(r);
          await h.ctx.store.putMany([
            ...recordsOf('acme-jira', jiraIssues, (n) => `0|i${String(n).padStart(4, '0')}:`),
            ...recordsOf('acme-linear', linearIssues, (n) => n * 1000),
          ]);
          const settings = mergeSettings(h.ctx.settings, patch);
          const of = (id: string) => connectorFor(h.ctx, id);
          const records = (await h.ctx.store.rankingAll()).map((r) => r.record);
          const expected = previewScoring(records, settings, of, h.ctx.settings);
          const windowed = await previewStored(h.ctx, settings, of, h.ctx.settings, { chunk });
          const whole = await previewStored(h.ctx, settings, of, h.ctx.settings, { chunk: 10_000 });
          for (const got of [windowed, whole]) {
            expect(got.changed).toEqual(expected.changed);
            expect(got.unchangedCount).toBe(expected.unchangedCount);
            expect(got.overrides).toEqual(expected.overrides);
            // Per tracker; a tracker holding no issue is in neither.
            const byTracker = (w: typeof got.writes) =>
              [...w].sort((a, b) => a.trackerId.localeCompare(b.trackerId));
            expect(byTracker(got.writes)).toEqual(byTracker(expected.writes));
          }
          expect(windowed).toEqual(whole);
          // A limit lists the first changes only; the count stays whole.
          const limited = await previewStored(h.ctx, settings, of, h.ctx.settings, {
            chunk,
            limit: 3,
          });
          expect(limited.changed).toEqual(expected.changed.slice(0, 3));
          expect(limited.changedCount).toBe(expected.changed.length);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});
