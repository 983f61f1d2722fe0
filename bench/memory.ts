/**
 * Memory: a `netvalue serve` process (compiled, default Node flags unless given) with 100,000 or
 * 1,000,000 issues in state, half per tracker. The state is seeded directly through the stores as
 * a steady state (records as a finished full sync leaves them, boards in ranking order), then
 * serve starts, its start-up syncs plan over every issue, and it answers the admin routes that
 * read the whole state (status, ranking, preview). Peak RSS is the process's VmHWM; Redis memory
 * is MEMORY USAGE summed over the deployment's keys; the prefix is deleted afterwards.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connector } from '../connectors/connector.js';
import { generateBacklog } from '../connectors/sandbox-kit/backlog.js';
import type { Issue } from '../src/domain/index.js';
import { scoreRecord } from '../src/pipeline/score-record.js';
import type { IssueRecord } from '../src/store/issue-record.js';
import { startBenchDeployment, TRACKERS, type BenchDeployment } from './deployment.js';
import { randomPort, serveConfig, spawnServe } from './serve-ready.js';
import { round } from './stats.js';

export interface MemoryFigures {
  issues: number;
  /** Peak RSS of serve (VmHWM), MB. */
  rssMb: number;
  /** The same, once the start-up plans are done (before the admin reads). */
  rssMbAfterPlans: number;
  /** Redis memory of the seeded state (MEMORY USAGE over the deployment's keys), MB. */
  redisMb: number;
  /** From the first start-up run's start to the last one's end: both plans over every issue. */
  plansMs: number;
  /** Seeding the state through the stores (not part of any figure). */
  seedMs: number;
}

/**
 * Synthetic issues numbered in ranking order (net value descending, then lower cost; issues
 * missing an input last), so that a tracker rank following the numbers is the ranking's order:
 * the seeded boards are already in order, and the state is seeded in one pass.
 */
function syntheticIssues(
  trackerId: string,
  count: number,
  seed: number,
  settings: { hourlyRateUsd: number; horizonMonths: number },
): Issue[] {
  const cents = (usd: number) => Math.round(usd * 100);
  const sortable = generateBacklog({ count, seed }).map((item) => {
    const { valueUsdPerMonth: value, costHours: hours } = item;
    if (value === null || hours === null) return { item, net: null, cost: 0 };
    const cost = hours * settings.hourlyRateUsd;
    return { item, net: cents(value * settings.horizonMonths - cost), cost: cents(cost) };
  });
  sortable.sort((a, b) =>
    a.net === null || b.net === null
      ? (a.net === null ? 1 : 0) - (b.net === null ? 1 : 0)
      : b.net - a.net || a.cost - b.cost,
  );
  return sortable.map(({ item }, i) => ({
    trackerId,
    id: `syn-${i}`,
    key: `${trackerId === TRACKERS[0] ? 'APP' : 'ENG'}-${i + 1}`,
    title: item.title,
    url: `https://example.invalid/${trackerId}/${i + 1}`,
    labels: [],
    updatedAt: new Date().toISOString(),
    inputs: { value: item.valueUsdPerMonth, cost: item.costHours, costUnit: 'hours' },
    current: {},
    // The tracker's own rank (Jira strings, Linear numbers), in the order above.
    rank: trackerId === TRACKERS[0] ? `0|i${i.toString(36).padStart(6, '0')}:` : (i + 1) * 1000,
    pinned: false,
  }));
}

/**
 * A steady state, as a finished sync leaves it: every tracker holds its values and its board is
 * in ranking order, so each plan goes over every issue and queues nothing.
 */
async function seed(d: BenchDeployment, perTracker: number): Promise<void> {
  for (const [t, trackerId] of TRACKERS.entries()) {
    const connector = d.ctx.connectors.get(trackerId) as Connector;
    const env = { settings: d.ctx.settings, settingsHash: d.ctx.settingsHash, connector };
    const issues = syntheticIssues(trackerId, perTracker, 900 + t, d.ctx.settings);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < issues.length; i += 1000) {
      const records: IssueRecord[] = issues.slice(i, i + 1000).map((issue) => {
        const record = scoreRecord(issue, null, env);
        return { ...record, current: record.desired };
      });
      writes.push(d.ctx.store.putMany(records));
      // A few saves in flight keep Redis busy while the next window is scored.
      if (writes.length >= 4) await writes.shift();
    }
    await Promise.all(writes);
    // As after a finished full sync: the start-up sync is then incremental and keeps the seeded
    // issues (a full one would drop every issue the sandbox does not hold).
    const now = new Date().toISOString();
    await d.ctx.meta.setWatermark(trackerId, now);
    await d.ctx.meta.setLastFull(trackerId, now);
  }
  await d.ctx.meta.swapSettingsHash(d.ctx.settingsHash);
}

async function redisMb(d: BenchDeployment): Promise<number> {
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, keys] = await d.ctx.redis.scan(
      cursor,
      'MATCH',
      // The deployment's tag and every tracker's (src/store/keys.ts).
      `{${d.config.redisPrefix}[}:]*`,
      'COUNT',
      1000,
    );
    cursor = next;
    for (const key of keys) bytes += Number(await d.ctx.redis.memory('USAGE', key, 'SAMPLES', 0));
  } while (cursor !== '0');
  return bytes / 2 ** 20;
}

interface RunTimes {
  trackers?: {
    latestRun?: { status?: string; startedAt?: string; finishedAt?: string | null } | null;
  }[];
}

/** Polls /admin/status until both start-up runs are done; their span in ms. */
async function waitForRuns(
  base: string,
  auth: Record<string, string>,
  exited: () => boolean,
  timeoutMs: number,
): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (exited()) throw new Error('serve exited before its start-up syncs finished');
    if (Date.now() - start > timeoutMs)
      throw new Error(`start-up syncs not done in ${timeoutMs} ms`);
    const status = (await fetch(`${base}/admin/status`, { headers: auth })
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null)) as RunTimes | null;
    const runs = (status?.trackers ?? []).map((t) => t.latestRun);
    if (runs.length === 2 && runs.every((r) => r?.status === 'done')) {
      const starts = runs.map((r) => Date.parse(r?.startedAt ?? ''));
      const ends = runs.map((r) => Date.parse(r?.finishedAt ?? ''));
      return Math.max(...ends) - Math.min(...starts);
    }
    await sleep(250);
  }
}

export interface MemoryOptions {
  nodeFlags?: string[];
  /** Also ask for a preview of a rate change (every net value moves). */
  preview?: boolean;
  timeoutMs?: number;
}

/**
 * `serve` with `perTracker` issues per tracker in state: its start-up syncs plan every issue, then
 * the admin routes read the whole state (status, ranking, preview) and /metrics.
 */
export async function benchMemory(
  perTracker = 50_000,
  options: MemoryOptions = {},
): Promise<MemoryFigures> {
  // Both trackers' orders are planned; unified positions are left out (the seeded trackers do not
  // hold them, so every issue would get a write).
  const d = await startBenchDeployment(50, {
    seed: 3,
    rankWriteBack: true,
    positions: false,
    port: 0,
  });
  try {
    const seedStart = Date.now();
    await seed(d, perTracker);
    const seedMs = Date.now() - seedStart;
    const redisMbSeeded = await redisMb(d);
    const port = randomPort();
    const serve = spawnServe(serveConfig(d, port), options.nodeFlags ?? []);
    let exited = false;
    serve.once('exit', () => (exited = true));
    try {
      const base = `http://127.0.0.1:${port}`;
      const auth = { authorization: `Bearer ${d.config.adminToken ?? ''}` };
      const plansMs = await waitForRuns(base, auth, () => exited, options.timeoutMs ?? 600_000);
      const peakMb = () => {
        const status = readFileSync(`/proc/${serve.pid ?? 0}/status`, 'utf8');
        return round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024, 1);
      };
      const afterPlansMb = peakMb();
      const read = (path: string, init: RequestInit = {}) =>
        fetch(`${base}${path}`, { ...init, headers: { ...auth, ...init.headers } }).then((r) => {
          if (!r.ok) throw new Error(`${path} answered ${r.status}`);
          return r.arrayBuffer();
        });
      await read('/admin/ranking?limit=200');
      await read('/admin/ranking?offset=40000&limit=200');
      if (options.preview ?? true)
        await read('/admin/preview', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hourlyRateUsd: 75 }),
        });
      await read('/admin/status');
      await fetch(`${base}/metrics`).then((r) => r.arrayBuffer());
      return {
        issues: perTracker * 2,
        rssMb: peakMb(),
        rssMbAfterPlans: afterPlansMb,
        redisMb: round(redisMbSeeded, 1),
        plansMs,
        seedMs,
      };
    } finally {
      serve.kill('SIGTERM');
      if (!exited) await once(serve, 'exit');
    }
  } finally {
    await d.close();
  }
}
