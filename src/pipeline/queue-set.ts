import { Queue, type ConnectionOptions } from 'bullmq';
import {
  bullPrefix,
  DEFAULT_JOB_OPTIONS,
  SCORE_QUEUE,
  trackerBullPrefix,
  trackerQueueName,
} from '../queues.js';

/**
 * The BullMQ queues of one deployment: the shared score queue and one queue per tracker, each
 * under its own hash tag (queues.ts).
 */
export class QueueSet {
  readonly score: Queue;
  private readonly trackers = new Map<string, Queue>();

  constructor(
    connection: ConnectionOptions,
    redisPrefix: string,
    trackerIds: readonly string[],
    /** Told about connection errors (BullMQ prints them with console.error when nobody listens). */
    onError: (err: Error) => void = () => undefined,
  ) {
    const opts = { connection, defaultJobOptions: DEFAULT_JOB_OPTIONS };
    this.score = new Queue(SCORE_QUEUE, { ...opts, prefix: bullPrefix(redisPrefix) });
    for (const id of trackerIds) {
      const prefix = trackerBullPrefix(redisPrefix, id);
      this.trackers.set(id, new Queue(trackerQueueName(id), { ...opts, prefix }));
    }
    for (const queue of this.all()) queue.on('error', onError);
  }

  tracker(trackerId: string): Queue {
    const queue = this.trackers.get(trackerId);
    if (!queue) throw new Error(`no queue for tracker '${trackerId}'`);
    return queue;
  }

  all(): Queue[] {
    return [this.score, ...this.trackers.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
