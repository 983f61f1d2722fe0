/**
 * Runs both sandboxes in their own thread, so on a 2-core machine the trackers' stand-ins do not
 * steal the event loop of the service being measured (in production they are other machines).
 * The main thread drives them through a small request/response protocol (sandbox-host.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startJiraSandbox } from '../connectors/jira/sandbox/index.js';
import { startLinearSandbox } from '../connectors/linear/sandbox/index.js';
import type { LoggedRequest } from '../connectors/sandbox-kit/index.js';

const READ_OPS = new Set([
  'search',
  'field',
  'myself',
  'editmeta',
  'issue',
  'NetvalueIssues',
  'NetvalueIssue',
  'NetvalueSetup',
  'NetvalueAttachmentFind',
]);
const WRITE_OPS = new Set([
  'edit',
  'rank',
  'NetvalueIssueUpdate',
  'NetvalueAttachmentUpsert',
  'NetvalueAttachmentDelete',
]);
const nowMs = () => performance.timeOrigin + performance.now();

const { issuesPerTracker, seed } = workerData as { issuesPerTracker: number; seed: number };
const [jira, linear] = await Promise.all([
  startJiraSandbox({ issues: issuesPerTracker, seed, includeExamples: true }),
  startLinearSandbox({ issues: issuesPerTracker, seed: seed + 1, requestsPerHour: 10_000_000 }),
]);

/** Time each issue was last written, by Jira issue id or Linear issue id. */
const writtenAt = new Map<string, number>();
const issuesOf = (e: LoggedRequest): string[] => {
  if (e.operation === 'edit') return [e.path.split('/').pop() ?? ''];
  if (!e.operation.startsWith('NetvalueIssueUpdate')) return [];
  const variables = (e.body as { variables?: Record<string, unknown> } | null)?.variables ?? {};
  return Object.entries(variables).flatMap(([k, v]) =>
    /^id\d*$/.test(k) && typeof v === 'string' ? [v] : [],
  );
};
for (const log of [jira.log, linear.log]) {
  const add = log.add.bind(log);
  log.add = (entry) => {
    if (entry.status < 300) for (const id of issuesOf(entry)) writtenAt.set(id, nowMs());
    add(entry);
  };
}

const count = (ops: Set<string>) =>
  [...jira.log.entries, ...linear.log.entries].filter((e) => ops.has(e.operation)).length;

const methods: Record<string, (...args: never[]) => unknown> = {
  configs: () => [
    jira.trackerConfig({ fields: { rankPosition: undefined } }),
    linear.trackerConfig(),
  ],
  counts: () => ({ reads: count(READ_OPS), writes: count(WRITE_OPS) }),
  /** First and last time each operation was seen (for finding where a run spends its time). */
  timeline: () => {
    const out: Record<string, [number, number, number]> = {};
    for (const e of [...jira.log.entries, ...linear.log.entries]) {
      const t = out[e.operation] ?? [e.atMs, e.atMs, 0];
      out[e.operation] = [Math.min(t[0], e.atMs), Math.max(t[1], e.atMs), t[2] + 1];
    }
    return out;
  },
  clearLogs: () => {
    jira.log.clear();
    linear.log.clear();
    writtenAt.clear();
  },
  jiraOrder: () =>
    jira
      .issuesInRankOrder()
      .filter((i) => i.status !== 'Done')
      .map((i) => i.id),
  jiraIssues: () =>
    jira
      .issues()
      .filter((i) => i.status !== 'Done')
      .map((i) => ({ id: i.id, key: i.key })),
  editJira: (key: string, value: number) => jira.editIssue(key, { value }),
  jiraWebhook: (key: string, deliveryId: string) =>
    jira.webhook(key, { secret: jira.webhookSecret, deliveryId }),
  writtenAt: (ids: string[]) => ids.map((id) => writtenAt.get(id) ?? null),
  /**
   * `count` signed Jira webhooks, each for an issue whose Value just changed (sent elsewhere).
   * Each `round` gives the same issues other Values, so a later round has writes to make too.
   */
  signWebhooks: (count: number, round = 0) => {
    const stamp = Date.now();
    return jira
      .issues()
      .filter((i) => i.status !== 'Done' && typeof i.cost === 'number')
      .slice(0, count)
      .map((issue, i) => {
        jira.editIssue(issue.key, { value: 2_000_000 + round * 1_000_000 + i * 10 });
        const signed = jira.webhook(issue.key, {
          secret: jira.webhookSecret,
          deliveryId: `bench-signed-${i}-${stamp}`,
        });
        return { ...signed, id: issue.id };
      });
  },
  close: async () => {
    await Promise.all([jira.close(), linear.close()]);
    setImmediate(() => process.exit(0));
  },
};

parentPort?.on('message', (msg: { id: number; method: string; args: unknown[] }) => {
  void (async () => {
    try {
      const fn = methods[msg.method];
      if (!fn) throw new Error(`unknown sandbox method ${msg.method}`);
      parentPort?.postMessage({ id: msg.id, result: await fn(...(msg.args as never[])) });
    } catch (err) {
      parentPort?.postMessage({
        id: msg.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  })();
});
parentPort?.postMessage({ ready: true });
