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
import { CALLS_IN_FLIGHT, writeIssues } from '../../src/pipeline/write-issues.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { connectorFor } from '../../src/pipeline/context.js';
import { REDIS_URL, startHarness, type Harness } from './pipeline-harness.js';

const prefix = `t-${randomUUID().slice(0, 12)}`;
const redis = new Redis(REDIS_URL);
const locks = new WriteLocks(redis, redisKeys(prefix));
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

const TTL = 30_000;

/**
 * A harness after a full Jira sync, and one scored issue whose record says the tracker holds an
 * older net value (1), so a write of it is due.
 */
async function withWriteDue(seed: number): Promise<{ h: Harness; record: IssueRecord }> {
  const h = await startHarness({
    jira: { issues: 12, seed },
    linear: { issues: 2, seed: seed + 1 },
  });
  const summary = totals(
    await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false }),
  );
  expect(summary.failed).toBe(0);
  const record = (await h.ctx.store.all('acme-jira')).find(
    (r) => r.result.status === 'scored' && typeof r.desired.netValueUsd === 'number',
  );
  if (!record) throw new Error('no scored Jira issue');
  const due = { ...record, current: { ...record.current, netValueUsd: 1 } };
  await h.ctx.store.putMany([due], [record.member]);
  return { h, record };
}

describe('write locks', () => {
  it('let a re-run of the same job take over, and refuse every call of the run it replaced', async () => {
    const first = writeOwner('plan-36-w26', 1, 'worker-a:1');
    const rerun = writeOwner('plan-36-w26', 2, 'worker-b:7');
    const other = writeOwner('plan-37-w0', 1, 'worker-a:2');
    // Both issues are in the state (a claim never sends an issue that left it).
    await redis.hset(redisKeys(prefix).issues('t'), '1', '{}', '2', '{}');

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
    // Once the re-run let go, the replaced run still cannot claim: it would send values read
    // before the re-run wrote them.
    expect(await locks.claim('t', ['1', '2'], TTL, first)).toEqual(new Set());
    expect((await locks.lock('t', ['1', '2'], TTL, other)).size).toBe(2);
  });
});

describe('a write job meeting an issue another job is writing', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('waits for that job, then writes what still differs, once, without failing', async () => {
    const setup = await withWriteDue(91);
    h = setup.h;
    const { record } = setup;
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

describe('a write job whose issue another job finishes meanwhile', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('reads the issue again once it holds the lock, and sends nothing already recorded', async () => {
    // The job reads its issues, then books its calls and locks them. A job that held an issue
    // during that read may record its write and unlock in between; sending from the first read
    // repeated its edit (the Redis Cluster failover test, when jobs resumed together).
    const setup = await withWriteDue(95);
    h = setup.h;
    const { record } = setup;
    const other = writeOwner('plan-12-w0', 1, 'other-worker:1');
    expect((await h.ctx.locks.lock('acme-jira', [record.id], TTL, other)).size).toBe(1);
    // The other job's write lands between this job's read and its lock (the booking sits there).
    const ctx = h.ctx;
    const book = ctx.limiter.book.bind(ctx.limiter);
    ctx.limiter.book = async (...args: Parameters<typeof book>) => {
      const state = {
        id: record.id,
        current: record.desired,
        lastWrittenAt: new Date().toISOString(),
      };
      await ctx.store.recordWritten('acme-jira', [state], new Map());
      await ctx.locks.unlock('acme-jira', [record.id], other);
      return book(...args);
    };
    const editsBefore = h.jira.log.count((e) => e.operation === 'edit');

    const outcome = await writeIssues(
      ctx,
      { trackerId: 'acme-jira', runId: null, issueIds: [record.id], why: 'test' },
      writeOwner('plan-13-w0', 1, 'this-worker:1'),
    );
    expect(outcome).toMatchObject({ written: 0, transient: [], permanent: [] });
    expect(h.jira.log.count((e) => e.operation === 'edit')).toBe(editsBefore);
  });
});

describe('a write job taking over from a run whose call is still out', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('waits for that call to be recorded instead of reading the tracker before it lands', async () => {
    // A run replaced while alive (its queue lock lost in a failover) records its last call when
    // the tracker answers. The re-run read the tracker before that call landed and sent the same
    // edit again (the Redis Cluster failover test).
    const setup = await withWriteDue(97);
    h = setup.h;
    const { record } = setup;
    const ctx = h.ctx;
    const jira = connectorFor(ctx, 'acme-jira');
    const ref = { trackerId: 'acme-jira', id: record.id, key: record.key };
    // The tracker holds the old value too (the record says so already).
    expect(await jira.write([{ ref, changes: { netValueUsd: 1 } }])).toEqual([null]);
    const edits = () => h?.jira.log.count((e) => e.operation === 'edit' && e.status === 204) ?? 0;
    const editsBefore = edits();

    // The first run claims the issue and its call goes out.
    const first = writeOwner('plan-14-w0', 1, 'worker-a:1');
    expect((await ctx.locks.lock('acme-jira', [record.id], TTL, first)).size).toBe(1);
    expect(await ctx.locks.claim('acme-jira', [record.id], TTL, first)).toEqual(
      new Set([record.id]),
    );
    // ... and lands 300 ms later, recorded at once, while the re-run has already taken over.
    const landed = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const changes = { netValueUsd: record.desired.netValueUsd };
        const state = {
          id: record.id,
          current: record.desired,
          lastWrittenAt: new Date().toISOString(),
        };
        jira
          .write([{ ref, changes }])
          .then(() =>
            ctx.store.recordWritten('acme-jira', [state], new Map(), (batch) =>
              ctx.locks.addDone(batch, 'acme-jira', [record.id]),
            ),
          )
          .then(resolve, reject);
      }, 300);
    });
    const outcome = await writeIssues(
      ctx,
      { trackerId: 'acme-jira', runId: null, issueIds: [record.id], why: 'test' },
      writeOwner('plan-14-w0', 2, 'worker-b:1'),
    );
    await landed;
    expect(outcome).toMatchObject({ written: 0, transient: [], permanent: [] });
    expect(edits()).toBe(editsBefore + 1);
    expect(h.jira.issue(record.key)?.netValue).toBe(record.desired.netValueUsd);
  });
});

describe('a write job run that was replaced by a later run of the same job', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('stops at once, sends nothing and leaves the later run its locks', async () => {
    // A run that lost its queue lock kept waiting for its booked rate slots and for the locks its
    // replacement held (the soak: write jobs running for four minutes after a Redis restart).
    const setup = await withWriteDue(99);
    h = setup.h;
    const { record } = setup;
    const later = writeOwner('plan-15-w0', 2, 'worker-b:1');
    expect((await h.ctx.locks.lock('acme-jira', [record.id], TTL, later)).size).toBe(1);
    const editsBefore = h.jira.log.count((e) => e.operation === 'edit');

    const outcome = await writeIssues(
      h.ctx,
      { trackerId: 'acme-jira', runId: null, issueIds: [record.id], why: 'test' },
      writeOwner('plan-15-w0', 1, 'worker-a:1'),
    );
    expect(outcome).toMatchObject({ replaced: true, written: 0 });
    expect(h.jira.log.count((e) => e.operation === 'edit')).toBe(editsBefore);
    // The later run still holds the issue: another owner cannot take it.
    const other = writeOwner('plan-16-w0', 1, 'worker-c:1');
    expect((await h.ctx.locks.lock('acme-jira', [record.id], TTL, other)).size).toBe(0);
  });
});

describe('a write whose issue leaves the scope while it waits for its rate slot', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('is not sent, and is not reported as failed', async () => {
    // A job's calls wait for their booked slots (at Linear's pace, a minute behind a backlog);
    // the soak saw writes to issues that had left the scope 35-60 s before.
    const setup = await withWriteDue(101);
    h = setup.h;
    const { record } = setup;
    const ctx = h.ctx;
    const waitTurn = ctx.limiter.waitTurn.bind(ctx.limiter);
    ctx.limiter.waitTurn = async (...args: Parameters<typeof waitTurn>) => {
      await ctx.store.remove(record); // the leaver check forgets it meanwhile
      return waitTurn(...args);
    };
    const editsBefore = h.jira.log.count((e) => e.operation === 'edit');

    const outcome = await writeIssues(
      ctx,
      { trackerId: 'acme-jira', runId: null, issueIds: [record.id], why: 'test' },
      writeOwner('plan-17-w0', 1, 'this-worker:1'),
    );
    expect(outcome).toMatchObject({ written: 0, transient: [], permanent: [] });
    expect(h.jira.log.count((e) => e.operation === 'edit')).toBe(editsBefore);
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
    const setup = await withWriteDue(93);
    h = setup.h;
    const { record } = setup;
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

describe('a write job whose results cannot be recorded', () => {
  let h: Harness | null = null;
  afterAll(async () => {
    await h?.close();
  });

  it('sends no runner its next call before its last result is recorded, and fails', async () => {
    // A result is recorded while the same runner's next call takes its turn: that call must wait
    // for it, so a record Redis refuses stops each runner after one call, and the job fails with
    // the reason. Sending on regardless would leave a growing tail of edits nobody recorded.
    h = await startHarness({ jira: { issues: 40, seed: 99 }, linear: { issues: 2, seed: 100 } });
    const summary = totals(
      await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false }),
    );
    expect(summary.failed).toBe(0);
    const due = (await h.ctx.store.all('acme-jira'))
      .filter((r) => r.result.status === 'scored' && typeof r.desired.netValueUsd === 'number')
      .slice(0, 3 * CALLS_IN_FLIGHT);
    expect(due.length).toBe(3 * CALLS_IN_FLIGHT);
    await h.ctx.store.putMany(
      due.map((r) => ({ ...r, current: { ...r.current, netValueUsd: 1 } })),
      due.map((r) => r.member),
    );
    const ctx = h.ctx;
    ctx.store.recordWritten = () => Promise.reject(new Error('Redis refused the record'));
    const edits = () => h?.jira.log.count((e) => e.operation === 'edit') ?? 0;
    const editsBefore = edits();
    const owner = writeOwner('plan-15-w0', 1, 'worker-a:1');

    await expect(
      writeIssues(
        ctx,
        { trackerId: 'acme-jira', runId: null, issueIds: due.map((r) => r.id), why: 'test' },
        owner,
      ),
    ).rejects.toThrow('Redis refused the record');
    expect(edits() - editsBefore).toBe(CALLS_IN_FLIGHT);
    // The job let go of its locks once every runner had stopped; the calls that went out stay
    // marked as sending, so the next writer reads them back before sending anything.
    const next = await ctx.locks.lock(
      'acme-jira',
      due.map((r) => r.id),
      TTL,
      writeOwner('plan-16-w0', 1, 'worker-b:1'),
    );
    expect(next.size).toBe(due.length);
    expect([...next.values()].filter((s) => s === 'unsure')).toHaveLength(CALLS_IN_FLIGHT);
  });
});
