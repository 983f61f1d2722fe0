/**
 * Webhook score jobs that must read their issue from the tracker (Jira's payload cannot show the
 * scope) share reads: while one read of a tracker is out, the issues asked for meanwhile wait and
 * go together in the next one (`Connector.fetchIssues`, Jira: one search per 50 ids). A lone
 * webhook is read at once; a burst (a bulk edit, a busy board) costs a few calls instead of one
 * per issue, and each call takes one turn of the tracker's rate limit (docs/architecture.md, "How
 * a webhook becomes a tracker write").
 */
import type { Issue } from '../domain/index.js';
import { connectorFor, type PipelineContext } from './context.js';

interface Waiter {
  resolve(issue: Issue | null): void;
  reject(err: unknown): void;
}

type ReadMany = (ids: readonly string[]) => Promise<Map<string, Issue | null>>;

class TrackerReads {
  /** Issues asked for since the read under way went out, with everyone waiting for each. */
  private waiting = new Map<string, Waiter[]>();
  private reading = false;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly trackerId: string,
    private readonly readMany: ReadMany,
  ) {}

  read(id: string): Promise<Issue | null> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(id, [{ resolve, reject }]);
      if (!this.reading) void this.drain();
    });
  }

  /** Reads what is waiting, one call at a time, until nothing is. Never rejects. */
  private async drain(): Promise<void> {
    this.reading = true;
    try {
      while (this.waiting.size > 0) {
        const batch = this.waiting;
        this.waiting = new Map();
        await this.send(batch);
      }
    } finally {
      this.reading = false;
    }
  }

  private async send(batch: Map<string, Waiter[]>): Promise<void> {
    try {
      // Paced like every read: sent during a 429's pause, it met another 429 and made the pause
      // longer for every process (the soak: Jira paused for minutes under a stream of webhooks).
      await this.ctx.limiter.readTurn(this.trackerId);
      const found = await this.readMany([...batch.keys()]);
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(found.get(id) ?? null);
    } catch (err) {
      // Every job waiting gets the error, as it got its own read's before: the queue retries it.
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }
}

const readers = new WeakMap<PipelineContext, Map<string, TrackerReads>>();

/** The issue as the tracker holds it now; null when it is gone or out of scope. */
export async function readIssue(
  ctx: PipelineContext,
  trackerId: string,
  issueId: string,
): Promise<Issue | null> {
  const connector = connectorFor(ctx, trackerId);
  if (!connector.fetchIssues) {
    // One read per issue is all this tracker offers: no reason to make them wait for each other.
    await ctx.limiter.readTurn(trackerId);
    return connector.fetchIssue(issueId);
  }
  let byTracker = readers.get(ctx);
  if (!byTracker) readers.set(ctx, (byTracker = new Map<string, TrackerReads>()));
  let reads = byTracker.get(trackerId);
  if (!reads) {
    reads = new TrackerReads(ctx, trackerId, connector.fetchIssues.bind(connector));
    byTracker.set(trackerId, reads);
  }
  return reads.read(issueId);
}
