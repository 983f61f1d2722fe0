/**
 * A tracker's clock and netvalue's differ. Whether a webhook's snapshot was taken before or after
 * our write is told on the tracker's clock alone: Linear dates each write (its answer carries the
 * issue's `updatedAt`), and that date is the issue's `lastWrittenAt`. Dated by our clock, a
 * workspace running behind had a person's change to a value netvalue owns taken for an old
 * snapshot (never written back), and one running ahead had a snapshot taken before our write
 * taken for a newer one (the same value written twice: the soak's duplicate Linear priority).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '../../connectors/sandbox-kit/index.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import { scoreQueueEvents, trackerQueueEvents } from './pipeline-harness.js';
import { startServerHarness, syncAll, type ServerHarness } from './server-harness.js';

const SECRET = 'lin_wh_tracker_clock_secret_0123456789abcdef';
const TRACKER = 'acme-linear';
let h: ServerHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** A synced deployment whose Linear workspace's clock runs `offsetMs` away from ours. */
async function skewed(offsetMs: number): Promise<ServerHarness> {
  h = await startServerHarness({
    jira: { issues: 3, seed: 411 },
    linear: { issues: 12, seed: 412 },
    linearTracker: {
      webhookSecret: SECRET,
      writeBack: { prioritySortOrder: false, priority: true, attachment: false },
    },
    config: { sync: { rankSettleMs: 100 } },
  });
  h.linear.workspace.clockOffsetMs = offsetMs;
  await syncAll(h);
  return h;
}

const priorityWrite =
  (id: string) =>
  (e: LoggedRequest): boolean =>
    /^NetvalueIssueUpdates?$/.test(e.operation) &&
    e.status === 200 &&
    JSON.stringify(e.body).includes(id);

async function deliver(
  h: ServerHarness,
  delivery: { headers: Record<string, string>; body: string },
) {
  const res = await h.inject({
    method: 'POST',
    url: `/webhooks/linear/${TRACKER}`,
    headers: delivery.headers,
    payload: delivery.body,
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** Resolves once a job of the queue completes whose name and data match. */
async function jobDone(
  h: ServerHarness,
  queue: 'score' | 'tracker',
  match: (job: { name: string; data: { trackerId?: string } }) => boolean,
): Promise<{ wait: Promise<void>; close(): Promise<void> }> {
  const q = queue === 'score' ? h.ctx.queues.score : h.ctx.queues.tracker(TRACKER);
  const events = await (queue === 'score' ? scoreQueueEvents(h) : trackerQueueEvents(h, TRACKER));
  const wait = new Promise<void>((resolve) => {
    events.events.on('completed', ({ jobId }) => {
      void q.getJob(jobId).then((job) => {
        if (job && match(job as { name: string; data: { trackerId?: string } })) resolve();
      });
    });
  });
  return { wait, close: () => events.close() };
}

function scoredIssue(h: ServerHarness, records: IssueRecord[]): IssueRecord {
  const record = records.find(
    (r) => r.result.status === 'scored' && h.linear.issue(r.key).priority === r.desired.priority,
  );
  if (!record) throw new Error('no synced, scored Linear issue');
  return record;
}

describe('a tracker whose clock differs from ours', () => {
  it(
    'runs behind: a person who changes a priority netvalue set gets it set back',
    { timeout: 15_000 },
    async () => {
      const h = await skewed(-120_000);
      const record = scoredIssue(h, await h.ctx.store.all(TRACKER));
      const held = record.desired.priority as number;
      const other = held === 2 ? 4 : 2;
      h.linear.editIssue(record.key, { priority: other });
      const before = h.linear.log.count(priorityWrite(record.id));
      const written = h.linear.log.waitFor(priorityWrite(record.id), before + 1);
      await deliver(
        h,
        h.linear.webhook(record.key, {
          secret: SECRET,
          actorId: 'a-person',
          updatedFrom: { priority: held },
        }),
      );
      await written;
      expect(h.linear.issue(record.key).priority).toBe(held);
    },
  );

  it('runs ahead: a snapshot taken before our write, delivered after it, sends nothing again', async () => {
    const h = await skewed(120_000);
    const records = await h.ctx.store.all(TRACKER);
    // An issue whose priority the new Value raises: netvalue writes it once.
    const record = records.find(
      (r) => r.result.status === 'scored' && h.linear.issue(r.key).priority !== 2,
    );
    if (!record) throw new Error('no Linear issue below high priority');
    h.linear.editIssue(record.key, { valueLabel: '$900k' });
    const snapshot = (deliveryId: string, timestampMs: number) =>
      h.linear.webhook(record.key, {
        secret: SECRET,
        actorId: 'a-person',
        updatedFrom: { labelIds: [] },
        deliveryId,
        timestampMs,
      });
    // Two deliveries of the issue as it was before our write (two events, so two bodies): the
    // second comes late.
    const now = Date.now();
    const first = snapshot('d-first', now);
    const late = snapshot('d-late', now + 1);
    const before = h.linear.log.count(priorityWrite(record.id));
    const writeDone = await jobDone(h, 'tracker', (job) => job.name === 'write');
    await deliver(h, first);
    await writeDone.wait;
    await writeDone.close();
    expect(h.linear.log.count(priorityWrite(record.id))).toBe(before + 1);
    expect(h.linear.issue(record.key).priority).toBe(2);

    // The late delivery is scored, and its settled plan runs: neither queues a write.
    const planDone = await jobDone(
      h,
      'score',
      (job) => job.name === 'plan' && job.data.trackerId === TRACKER,
    );
    await deliver(h, late);
    await planDone.wait;
    await planDone.close();
    const pending = await h.ctx.queues
      .tracker(TRACKER)
      .getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    expect(Object.values(pending).reduce((a, b) => a + b, 0)).toBe(0);
    expect(h.linear.log.count(priorityWrite(record.id))).toBe(before + 1);
    expect((await h.ctx.store.get(TRACKER, record.id))?.current.priority).toBe(2);
  });
});
