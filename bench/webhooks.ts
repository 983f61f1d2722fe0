/**
 * Webhook latency: signed Jira webhooks at a steady rate from another thread (the tracker's side),
 * each for an issue whose Value changed. Ack latency is measured by the sender; event-to-write is
 * from sending the webhook to the sandbox recording the resulting write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSync, totals } from '../src/pipeline/sync-run.js';
import { buildServer } from '../src/server/build-server.js';
import { startWorkers } from '../workers/index.js';
import { startBenchDeployment, TRACKERS } from './deployment.js';
import { percentile, round } from './stats.js';

export interface WebhookFigures {
  sent: number;
  /** Measured by the sender (another thread): network, queueing and the service's time. */
  ackP50Ms: number;
  ackP99Ms: number;
  /** The service's own time to answer (fastify's elapsed time). */
  serverAckP50Ms: number;
  serverAckP99Ms: number;
  eventToWriteP50Ms: number;
  eventToWriteP95Ms: number;
  eventToWriteP99Ms: number;
  missed: number;
}

export async function benchWebhooks(count = 500, perSec = 100): Promise<WebhookFigures> {
  const d = await startBenchDeployment(Math.ceil(count * 1.3), { seed: 7, concurrency: 16 });
  const workers = startWorkers(d.ctx, { concurrency: 16 });
  const app = await buildServer({ ctx: d.ctx, workersRunning: () => true });
  const serverAcks: number[] = [];
  // The service's own time to answer: request received to response finished, on the server.
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/webhooks/')) return;
    const start = performance.now();
    res.on('finish', () => serverAcks.push(performance.now() - start));
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const sync = totals(
      await runSync(d.ctx, { trackerIds: [...TRACKERS], full: true, dryRun: false }),
    );
    if (sync.failed > 0) throw new Error('set-up sync failed');
    const fired = await d.sandboxes.call<{ acks: number[]; ids: string[]; sentAt: number[] }>(
      'fireWebhooks',
      url,
      count,
      perSec,
    );
    // The last writes land shortly after the last webhook; look every 50 ms for up to 30 s.
    let writtenAt: (number | null)[] = [];
    for (let i = 0; i < 600; i++) {
      writtenAt = await d.sandboxes.call<(number | null)[]>('writtenAt', fired.ids);
      if (writtenAt.every((t) => t !== null)) break;
      await sleep(50);
    }
    const latencies = writtenAt.flatMap((t, i) => (t === null ? [] : [t - (fired.sentAt[i] ?? 0)]));
    return {
      sent: fired.acks.length,
      ackP50Ms: round(percentile(fired.acks, 50)),
      ackP99Ms: round(percentile(fired.acks, 99)),
      serverAckP50Ms: round(percentile(serverAcks, 50)),
      serverAckP99Ms: round(percentile(serverAcks, 99)),
      eventToWriteP50Ms: round(percentile(latencies, 50)),
      eventToWriteP95Ms: round(percentile(latencies, 95)),
      eventToWriteP99Ms: round(percentile(latencies, 99)),
      missed: writtenAt.filter((t) => t === null).length,
    };
  } finally {
    await app.close();
    await workers.close();
    await d.close();
  }
}
