/**
 * Webhook latency: signed Jira webhooks at a steady rate from another thread (the tracker's side),
 * each for an issue whose Value changed. Ack latency is measured by the sender; event-to-write is
 * from sending the webhook to the sandbox recording the resulting write.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSync, totals } from '../src/pipeline/sync-run.js';
import { buildServer } from '../src/server/build-server.js';
import { jobThreadNice, startJobThread } from '../src/cli/job-thread.js';
import { startWorkers } from '../workers/index.js';
import { otherThreadIds, setThreadsNice } from '../workers/thread-priority.js';
import { startBenchDeployment, TRACKERS, type BenchDeployment } from './deployment.js';
import { percentile, round } from './stats.js';

/** Where the jobs run: `serve`'s job thread (its default) or the main thread (`--jobs inline`). */
export type JobsMode = 'thread' | 'inline';

/**
 * The bench process's threads when it loads, before any benchmark starts one of its own: V8's
 * helpers. `serve` lowers them with its job thread (src/cli/serve.ts); so does this benchmark,
 * and it gives them their priority back afterwards.
 */
const HELPER_THREADS = process.platform === 'linux' ? otherThreadIds() : [];

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
  /**
   * The first burst after the set-up sync, not counted above: code that only webhooks run (one
   * issue scored, one written, the settle plan) is still being compiled (README "Performance").
   */
  coldAckP99Ms: number;
  coldEventToWriteP99Ms: number;
}

/**
 * A bench deployment with workers and the HTTP server listening, and the service's own time to
 * answer each webhook (request received to response finished, on the server) collected.
 */
async function startServing(perTracker: number, seed: number, jobs: JobsMode) {
  // Its context answers HTTP, as serve's main thread does (and runs the jobs too with 'inline').
  const d = await startBenchDeployment(perTracker, { seed, concurrency: 16, coalesce: 'callback' });
  // As `serve` runs them (src/cli/serve.ts): in a job thread by default, with V8's helpers at its
  // priority, or on the main thread.
  const nice = jobs === 'thread' ? jobThreadNice(process.env) : 0;
  const lowered = nice === 0 ? null : setThreadsNice(HELPER_THREADS, nice);
  if (lowered && 'error' in lowered)
    console.error(`V8's helper threads keep their priority: ${lowered.error}`);
  const workers =
    jobs === 'thread'
      ? await startJobThread(d.config, { concurrency: 16, nice })
      : startWorkers(d.ctx, { concurrency: 16 });
  const app = await buildServer({ ctx: d.ctx, workersRunning: () => true });
  const serverAcks: number[] = [];
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/webhooks/')) return;
    const start = performance.now();
    res.on('finish', () => serverAcks.push(performance.now() - start));
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    d,
    app,
    serverAcks,
    url,
    async close() {
      await app.close();
      await workers.close(10_000);
      await d.close();
      // Raising a priority back needs privileges (root here); without them the rest of the run
      // keeps the helpers lowered, which the message says.
      const restored = nice === 0 ? null : setThreadsNice(HELPER_THREADS, 0);
      if (restored && 'error' in restored)
        console.error(`V8's helper threads stay at nice ${nice}: ${restored.error}`);
    },
  };
}

export async function benchWebhooks(
  count = 500,
  perSec = 100,
  jobs: JobsMode = 'thread',
): Promise<WebhookFigures> {
  const serving = await startServing(Math.ceil(count * 1.3), 7, jobs);
  const { d, serverAcks, url } = serving;
  try {
    const sync = totals(
      await runSync(d.ctx, { trackerIds: [...TRACKERS], full: true, dryRun: false }),
    );
    if (sync.failed > 0) throw new Error('set-up sync failed');
    // A service receives webhooks for days: the figures are its steady state, a burst after one
    // like it has run and everything it queued (the settle plan, rank moves) has finished. The
    // first burst is reported on its own.
    const cold = await burst(d, url, count, perSec, 0);
    await queuesIdle(d);
    serverAcks.length = 0;
    const warm = await burst(d, url, count, perSec, 1);
    return {
      sent: warm.acks.length,
      ackP50Ms: round(percentile(warm.acks, 50)),
      ackP99Ms: round(percentile(warm.acks, 99)),
      serverAckP50Ms: round(percentile(serverAcks, 50)),
      serverAckP99Ms: round(percentile(serverAcks, 99)),
      eventToWriteP50Ms: round(percentile(warm.latencies, 50)),
      eventToWriteP95Ms: round(percentile(warm.latencies, 95)),
      eventToWriteP99Ms: round(percentile(warm.latencies, 99)),
      missed: Math.max(cold.missed, warm.missed),
      coldAckP99Ms: round(percentile(cold.acks, 99)),
      coldEventToWriteP99Ms: round(percentile(cold.latencies, 99)),
    };
  } finally {
    await serving.close();
  }
}

/**
 * One burst: `count` webhooks at `perSec`, each for an issue whose Value changed (`edit` makes
 * the values new), with each ack and the time from sending to the sandbox recording the write.
 */
async function burst(d: BenchDeployment, url: string, count: number, perSec: number, edit: number) {
  await d.sandboxes.call('clearLogs');
  // Signed up front and sent from a thread of their own, as a tracker sends them: the sandboxes'
  // thread also answers the writes, and its own delays are not the service's.
  const fired = await sendFromThread(
    `${url}/webhooks/jira/${TRACKERS[0]}`,
    await d.sandboxes.call<SignedRequest[]>('signWebhooks', count, edit),
    perSec,
  );
  // The last writes land shortly after the last webhook; look every 50 ms for up to 30 s.
  let writtenAt: (number | null)[] = [];
  for (let i = 0; i < 600; i++) {
    writtenAt = await d.sandboxes.call<(number | null)[]>('writtenAt', fired.ids);
    if (writtenAt.every((t) => t !== null)) break;
    await sleep(50);
  }
  return {
    acks: fired.acks,
    latencies: writtenAt.flatMap((t, i) => (t === null ? [] : [t - (fired.sentAt[i] ?? 0)])),
    missed: writtenAt.filter((t) => t === null).length,
  };
}

/** Waits (looking every 50 ms, up to 60 s) until no job of the deployment waits, runs or is delayed. */
async function queuesIdle(d: BenchDeployment): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const counts = await Promise.all(
      d.ctx.queues.all().map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized')),
    );
    if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
    await sleep(50);
  }
  throw new Error('the queues did not go idle within 60 s after the first burst');
}

export interface DuringSyncFigures {
  sent: number;
  /** Sender-side ack p50/p99 of the webhooks sent while the sync ran. */
  ackP50Ms: number;
  ackP99Ms: number;
  serverAckP99Ms: number;
  syncMs: number;
  /** Webhooks answered after the sync had finished (their acks are not counted). */
  afterSync: number;
}

/**
 * Webhook acks while the same process runs a first full sync of `perTracker` issues per tracker
 * (pulls, scoring, both plans, every write): the HTTP server must not wait behind that work.
 */
export async function benchWebhooksDuringSync(
  perTracker = 5000,
  count = 600,
  perSec = 100,
  jobs: JobsMode = 'thread',
): Promise<DuringSyncFigures> {
  const serving = await startServing(perTracker, 11, jobs);
  const { d, serverAcks, url } = serving;
  try {
    // Signed up front, sent from a thread of their own: the sandboxes' thread is busy answering
    // the sync, and its delays are not the service's.
    const signed = await d.sandboxes.call<SignedRequest[]>('signWebhooks', count);
    const start = performance.now();
    const startWall = Date.now();
    let syncEnd = Number.POSITIVE_INFINITY;
    const sync = runSync(d.ctx, { trackerIds: [...TRACKERS], full: true, dryRun: false }).then(
      (runs) => {
        syncEnd = performance.now();
        return totals(runs);
      },
    );
    const fired = await sendFromThread(`${url}/webhooks/jira/${TRACKERS[0]}`, signed, perSec);
    const summary = await sync;
    if (summary.failed > 0) throw new Error('the sync under webhooks failed');
    // Sent-at times are the sender thread's clock (Date.now() in both): acks that ended in the sync.
    const during = fired.acks.filter(
      (ack, i) => (fired.sentAt[i] ?? 0) + ack - startWall < syncEnd - start,
    );
    return {
      sent: fired.acks.length,
      ackP50Ms: round(percentile(during, 50)),
      ackP99Ms: round(percentile(during, 99)),
      serverAckP99Ms: round(percentile(serverAcks, 99)),
      syncMs: round(syncEnd - start, 0),
      afterSync: fired.acks.length - during.length,
    };
  } finally {
    await serving.close();
  }
}

interface SignedRequest {
  /** The issue the webhook is about. */
  id: string;
  headers: Record<string, string>;
  body: string;
}

// Plain JavaScript (an eval'd worker needs no loader): posts each request at its due time over
// keep-alive connections, as a tracker does. node:http, not fetch: fetch (undici) spent 0.7 s of
// CPU per 500 webhooks in this thread, on the two cores the service runs on, where a tracker's
// sender runs on machines of its own (README "Performance"). The sender is warmed first, as a
// tracker's is: one GET /healthz opens a connection. Unwarmed, the first five acks took 40-50 ms,
// the sender's own start-up, and made the p99 of 500.
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, requests, perSec } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true });
const send = (path, method, headers, body) => new Promise((resolve, reject) => {
  const req = http.request({ host: target.hostname, port: target.port, path, method, headers, agent }, (res) => {
    res.resume();
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(path + ' answered ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end(body);
});
const acks = new Array(requests.length);
const sentAt = new Array(requests.length);
(async () => {
  await send('/healthz', 'GET', {}, undefined);
  const start = Date.now();
  await Promise.all(requests.map(async (req, i) => {
    const wait = start + (i * 1000) / perSec - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt[i] = Date.now();
    const t0 = performance.now();
    await send(target.pathname, 'POST', { ...req.headers, 'content-length': Buffer.byteLength(req.body) }, req.body);
    acks[i] = performance.now() - t0;
  }));
  parentPort.postMessage({ acks, sentAt });
})().catch((err) => parentPort.postMessage({ error: String(err) }));
`;

/**
 * Sends signed requests at `perSec` from a thread of their own; ack ms, Date.now() sent-at and
 * each request's issue. The requests are handed to the thread at once and not kept here: this
 * thread is the service's, and a megabyte of the tracker's bodies kept alive made its garbage
 * collections longer.
 */
function sendFromThread(
  url: string,
  requests: SignedRequest[],
  perSec: number,
): Promise<{ acks: number[]; sentAt: number[]; ids: string[] }> {
  const ids = requests.map((r) => r.id);
  const worker = new Worker(SENDER, { eval: true, workerData: { url, requests, perSec } });
  return once(worker, 'message').then(
    async (args) => {
      const result = args[0] as { acks: number[]; sentAt: number[] } | { error: string };
      await worker.terminate();
      if ('error' in result) throw new Error(`the webhook sender failed: ${result.error}`);
      return { ...result, ids };
    },
    async (err: unknown) => {
      await worker.terminate();
      throw err;
    },
  );
}
