import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import type { CorruptRecord } from '../../src/store/corrupt.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { IssueStore } from '../../src/store/issue-store.js';
import { redisKeys } from '../../src/store/keys.js';
import { MetaStore } from '../../src/store/meta.js';
import { RunStore } from '../../src/store/run-store.js';
import { REDIS_URL, startHarness, type Harness } from './pipeline-harness.js';
import { recordFixture } from './record-fixture.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const keys = redisKeys(prefix);
const redis = new Redis(REDIS_URL);
const reported: CorruptRecord[] = [];
const report = (corrupt: CorruptRecord) => reported.push(corrupt);
const store = new IssueStore(redis, keys, report);
afterEach(() => {
  reported.length = 0;
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

function record(id: string, netValueUsd: number): IssueRecord {
  return recordFixture(id, netValueUsd);
}

describe('stored data that does not parse', () => {
  it('is skipped by every read and reported with tracker, id and field', async () => {
    const good = [record('1', 300), record('2', 200)];
    const notJson = record('3', 100);
    const wrongShape = record('4', 50);
    await store.putMany([...good, notJson, wrongShape]);
    // Written straight into the hash, as a bad release or a hand edit would.
    await redis.hset(keys.issues('j'), '3', '{"trackerId":"j", oops');
    const { result, ...rest } = wrongShape;
    const badResult = { ...result, netValueUsd: 'lots' };
    await redis.hset(keys.issues('j'), '4', JSON.stringify({ ...rest, result: badResult }));

    expect((await store.getMany('j', ['1', '2', '3', '4'])).map((r) => r?.id ?? null)).toEqual([
      '1',
      '2',
      null,
      null,
    ]);
    expect(reported.map((c) => [c.trackerId, c.id, c.field])).toEqual([
      ['j', '3', 'issue record'],
      ['j', '4', 'issue record'],
    ]);
    expect(reported[0]?.message).toMatch(/^corrupt issue record of j\/3: not JSON/);
    expect(reported[1]?.message).toMatch(
      /^corrupt issue record of j\/4: result\.netValueUsd: .*expected number/,
    );

    expect((await store.all('j')).map((r) => r.id).sort()).toEqual(['1', '2']);
    expect((await store.rankingAll()).map(({ rank, record: r }) => [rank, r.id])).toEqual([
      [1, '1'],
      [2, '2'],
    ]);
    expect(reported.every((c) => c.subject === 'issue')).toBe(true);
  });

  it('reads a corrupt tracker state or rank as absent and keeps the record', async () => {
    await store.putMany([{ ...record('5', 10), current: { netValueUsd: 10 }, rank: '0|a:' }]);
    await redis.hset(keys.trackerState('j'), '5', '{"id":"5","current":{"netValueUsd":"ten"}}');
    await redis.hset(keys.trackerRank('j'), '5', 'nope');
    const now = await store.get('j', '5');
    expect(now).toMatchObject({ id: '5', current: {}, rank: null, lastWrittenAt: null });
    expect(reported.map((c) => c.field)).toEqual(['tracker state', 'tracker rank']);
    expect(reported[0]?.message).toContain('current.netValueUsd');
  });

  it('skips a corrupt webhook snapshot, run failure and write failure', async () => {
    const meta = new MetaStore(redis, keys, report);
    const runs = new RunStore(redis, keys, report);
    await redis.hset(keys.snapshots('j'), '9', JSON.stringify({ id: '9', title: 7 }));
    expect(await meta.takeSnapshot('j', '9')).toBeNull();
    expect(await redis.hexists(keys.snapshots('j'), '9')).toBe(0);

    await runs.create({
      runId: 'r1',
      trackerId: 'j',
      full: true,
      dryRun: false,
      sinceIso: null,
      startedAt: new Date(0).toISOString(),
    });
    await runs.addFailure('r1', { trackerId: 'j', key: 'APP-1', message: 'boom' });
    await redis.rpush(keys.runFailures('r1'), '{"key":1}');
    expect((await runs.summary('r1'))?.failures).toEqual([
      { trackerId: 'j', key: 'APP-1', message: 'boom' },
    ]);
    await redis.hset(keys.run('r1'), 'full', 'maybe');
    expect(await runs.info('r1')).toBeNull();

    await redis.hset(keys.failures, 'j\u00029', '[]');
    expect(await meta.failures()).toEqual([]);

    expect(reported.map((c) => [c.subject, c.id, c.field])).toEqual([
      ['issue', '9', 'webhook snapshot'],
      ['run', 'r1', 'run failure'],
      ['run', 'r1', 'run'],
      ['failure', '9', 'failure record'],
    ]);
  });
});

describe('pipeline over a tracker with corrupt records', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('completes the sync, keeps the other records and re-creates the corrupt ones', async () => {
    const harness = await startHarness({
      jira: { issues: 40, seed: 5 },
      linear: { issues: 20, seed: 6 },
    });
    h = harness;
    const sync = (full: boolean) =>
      runSync(harness.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full, dryRun: false }).then(
        totals,
      );
    expect((await sync(false)).failed).toBe(0);
    const before = await h.ctx.store.all('acme-jira');
    const [broken, reshaped, ...others] = before;
    if (!broken || !reshaped) throw new Error('too few Jira records');
    await h.ctx.redis.hset(h.ctx.keys.issues('acme-jira'), broken.id, '{not json');
    const { inputs: _inputs, ...noInputs } = JSON.parse(
      (await h.ctx.redis.hget(h.ctx.keys.issues('acme-jira'), reshaped.id)) ?? '{}',
    ) as Record<string, unknown>;
    await h.ctx.redis.hset(h.ctx.keys.issues('acme-jira'), reshaped.id, JSON.stringify(noInputs));

    // Reads skip them...
    const ids = (await h.ctx.store.all('acme-jira')).map((r) => r.id);
    expect(ids).not.toContain(broken.id);
    expect(ids).not.toContain(reshaped.id);
    expect(h.logs.join('')).toContain(`corrupt issue record of acme-jira/${broken.id}: not JSON`);
    expect(h.logs.join('')).toContain(`corrupt issue record of acme-jira/${reshaped.id}: inputs:`);
    const failures = await h.ctx.meta.failures();
    expect(failures.map((f) => [f.trackerId, f.issueId, f.key]).sort()).toEqual(
      [
        ['acme-jira', broken.id, '(issue record)'],
        ['acme-jira', reshaped.id, '(issue record)'],
      ].sort(),
    );
    const counted = await h.ctx.metrics.corruptRecords.get();
    expect(counted.values.some((v) => v.labels['tracker'] === 'acme-jira' && v.value > 0)).toBe(
      true,
    );

    // ...and the next full sync's jobs complete over the tracker, re-creating them from the pull.
    const again = await sync(true);
    expect(again.failed).toBe(0);
    const after = await h.ctx.store.all('acme-jira');
    expect(after.map((r) => r.id).sort()).toEqual(before.map((r) => r.id).sort());
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const r of [broken, reshaped, ...others])
      expect(byId.get(r.id)).toMatchObject({ key: r.key, result: r.result, member: r.member });
  });
});
