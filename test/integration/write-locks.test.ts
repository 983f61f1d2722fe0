/**
 * Per-issue write locks name one run of one job (WriteLocks.writeOwner). A job re-run after its
 * worker died takes its locks back at once; the run it replaced, if still alive (its queue lock
 * lost to a slow event loop or a Redis restart), can no longer claim a call. With the job id
 * alone as owner both runs sent the same edits (the soak: 40 duplicate Jira writes in 3 s).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../src/store/cleanup.js';
import { redisKeys } from '../../src/store/keys.js';
import { WriteLocks, writeOwner } from '../../src/store/write-locks.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { writeIssues } from '../../src/pipeline/write-issues.js';
import { REDIS_URL, startHarness, type Harness } from './pipeline-harness.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const redis = new Redis(REDIS_URL);
const locks = new WriteLocks(redis, redisKeys(prefix));
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

const TTL = 30_000;

describe('write locks', () => {
  it('let a re-run of the same job take over, and refuse every call of the run it replaced', async () => {
    const first = writeOwner('plan-36-w26', 1, 'worker-a:1');
    const rerun = writeOwner('plan-36-w26', 2, 'worker-b:7');
    const other = writeOwner('plan-37-w0', 1, 'worker-a:2');

    expect(await locks.lock('t', ['1', '2'], TTL, first)).toEqual(
      new Map([
        ['1', 'taken'],
        ['2', 'taken'],
      ]),
    );
    // The first run sends issue 1, then loses its queue lock; its job is run again elsewhere.
    expect(await locks.claim('t', ['1'], TTL, first)).toEqual(new Set(['1']));
    expect(await locks.lock('t', ['1', '2'], TTL, other)).toEqual(new Map());
    // The re-run takes both back at once; issue 1 went out unrecorded: read the tracker first.
    expect(await locks.lock('t', ['1', '2'], TTL, rerun)).toEqual(
      new Map([
        ['1', 'unsure'],
        ['2', 'taken'],
      ]),
    );
    // The replaced run, still alive, may send nothing more, nor take the locks back; the re-run
    // may send.
    expect(await locks.claim('t', ['1', '2'], TTL, first)).toEqual(new Set());
    expect(await locks.lock('t', ['1', '2'], TTL, first)).toEqual(new Map());
    expect(await locks.claim('t', ['1', '2'], TTL, rerun)).toEqual(new Set(['1', '2']));
    // Its clean-up does not release the re-run's locks.
    await locks.unlock('t', ['1', '2'], first);
    expect(await locks.lock('t', ['1', '2'], TTL, other)).toEqual(new Map());
    await locks.unlock('t', ['1', '2'], rerun);
    expect((await locks.lock('t', ['1', '2'], TTL, other)).size).toBe(2);
  });
});

describe('a write job meeting an issue another job is writing', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('waits for that job, then writes what still differs, once, without failing', async () => {
    h = await startHarness({ jira: { issues: 12, seed: 91 }, linear: { issues: 2, seed: 92 } });
    const summary = totals(
      await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false }),
    );
    expect(summary.failed).toBe(0);
    const record = (await h.ctx.store.all('acme-jira')).find(
      (r) => r.result.status === 'scored' && typeof r.desired.netValueUsd === 'number',
    );
    if (!record) throw new Error('no scored Jira issue');
    // What we last recorded differs from what scoring wants: a write is due.
    await h.ctx.store.putMany(
      [{ ...record, current: { ...record.current, netValueUsd: 1 } }],
      [record.member],
    );
    // Another job holds the issue for a moment (its lock lapses by itself, as a finished
    // job's does).
    const other = writeOwner('plan-9-w0', 1, 'other-worker:1');
    expect((await h.ctx.locks.lock('acme-jira', [record.id], 300, other)).size).toBe(1);
    const editsBefore = h.jira.log.count((e) => e.operation === 'edit' && e.status === 204);

    const outcome = await writeIssues(
      h.ctx,
      { trackerId: 'acme-jira', runId: null, issueIds: [record.id], why: 'test' },
      writeOwner('plan-10-w0', 1, 'this-worker:1'),
    );
    expect(outcome.transient).toEqual([]);
    expect(outcome.written).toBe(1);
    expect(h.jira.log.count((e) => e.operation === 'edit' && e.status === 204)).toBe(
      editsBefore + 1,
    );
    expect(h.jira.issue(record.key)?.netValue).toBe(record.desired.netValueUsd);
  });
});

describe('what a write records', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('stamps lastWrittenAt with when the call went out, never after the tracker applied it', async () => {
    // A pulled snapshot newer than lastWrittenAt is the tracker's word (score-record.ts). Stamped
    // with when the answer came back, a change landing while the answer was on its way looked
    // older than our write and was ignored for good (the soak: wrong values after a full sync).
    h = await startHarness({ jira: { issues: 12, seed: 93 }, linear: { issues: 2, seed: 94 } });
    await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    const record = (await h.ctx.store.all('acme-jira')).find(
      (r) => r.result.status === 'scored' && typeof r.desired.netValueUsd === 'number',
    );
    if (!record) throw new Error('no scored Jira issue');
    await h.ctx.store.putMany(
      [{ ...record, current: { ...record.current, netValueUsd: 1 } }],
      [record.member],
    );
    // The edit is applied 150 ms after it was sent, then answered at once.
    h.jira.faults.enqueueFor('edit', { kind: 'latency', ms: 150 });
    const outcome = await writeIssues(
      h.ctx,
      { trackerId: 'acme-jira', runId: null, issueIds: [record.id], why: 'test' },
      writeOwner('plan-11-w0', 1, 'this-worker:1'),
    );
    expect(outcome.written).toBe(1);
    const stored = await h.ctx.store.get('acme-jira', record.id);
    const appliedMs = h.jira.issue(record.key)?.updatedMs ?? 0;
    expect(Date.parse(stored?.lastWrittenAt ?? '')).toBeLessThanOrEqual(appliedMs - 100);
  });
});
