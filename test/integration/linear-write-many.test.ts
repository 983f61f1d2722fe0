import { afterEach, describe, expect, it } from 'vitest';
import { writeError, type WriteItem } from '../../connectors/connector.js';
import { LINEAR_WRITE_BATCH } from '../../connectors/linear/write-many.js';
import { pullAll, startHarness, type Harness } from './linear-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.sandbox.close();
  h = null;
});

const updates = (harness: Harness) =>
  harness.sandbox.log.entries.filter((e) => e.operation.startsWith('NetvalueIssueUpdate'));

describe('Linear writeMany', () => {
  it('writes many issues in one request, one aliased mutation each', async () => {
    h = await startHarness(
      { issues: 40, seed: 81 },
      { writeBack: { prioritySortOrder: true, priority: true, attachment: false } },
    );
    const { issues } = await pullAll(h.connector);
    const items: WriteItem[] = issues.slice(0, 10).map((issue, i) => ({
      ref: { trackerId: issue.trackerId, id: issue.id, key: issue.key },
      changes: { sortKey: -1000 - i, priority: 3 },
    }));
    const before = updates(h).length;
    const results = await h.connector.write(items);
    // Each dated by Linear's clock: the issue's updatedAt our write gave it.
    expect(results).toEqual(
      items.map((item) => ({ landedAt: h?.sandbox.issue(item.ref.key).updatedAt })),
    );
    const sent = updates(h).slice(before);
    expect(sent.map((e) => e.operation)).toEqual(['NetvalueIssueUpdates']);
    for (const [i, item] of items.entries()) {
      expect(h.sandbox.issue(item.ref.key)).toMatchObject({
        prioritySortOrder: -1000 - i,
        priority: 3,
      });
    }
    expect(h.connector.maxWriteBatch).toBe(LINEAR_WRITE_BATCH);
  });

  it('isolates a bad item: the others are written and only it gets an error', async () => {
    h = await startHarness({ issues: 20, seed: 82 });
    const { issues } = await pullAll(h.connector);
    const good = issues.slice(0, 3).map((issue, i) => ({
      ref: { trackerId: issue.trackerId, id: issue.id, key: issue.key },
      changes: { sortKey: -500 - i },
    }));
    const ghost: WriteItem = {
      ref: { trackerId: 'x', id: '00000000-0000-4000-8000-000000000000', key: 'ENG-999' },
      changes: { sortKey: 1 },
    };
    const results = (await h.connector.write([...good, ghost])) ?? [];
    expect(results.slice(0, 3).map(writeError)).toEqual([null, null, null]);
    expect(writeError(results[3])?.kind).toMatch(/not_found|permanent/);
    for (const [i, item] of good.entries())
      expect(h.sandbox.issue(item.ref.key).prioritySortOrder).toBe(-500 - i);
  });

  it('reports a rate limit on every item of the request', async () => {
    h = await startHarness({ issues: 10, seed: 83 });
    const { issues } = await pullAll(h.connector);
    h.sandbox.faults.enqueue({ kind: 'rate_limit', retryAfterSec: 2 });
    const items = issues.slice(0, 2).map((issue) => ({
      ref: { trackerId: issue.trackerId, id: issue.id, key: issue.key },
      changes: { sortKey: 7 },
    }));
    const results = (await h.connector.write(items)) ?? [];
    expect(results.map((r) => writeError(r)?.kind)).toEqual(['rate_limited', 'rate_limited']);
  });
});
