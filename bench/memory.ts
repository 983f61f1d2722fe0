/**
 * Memory: a `netvalue serve` process with 100,000 issues in state (50,000 per tracker). The state
 * is seeded directly (records as a finished sync leaves them), then serve starts, runs its start-up
 * sync and plans over every issue, and answers the admin routes that read the whole state
 * (status, ranking, preview). Peak RSS is the process's VmHWM; Redis memory is MEMORY USAGE
 * summed over the deployment's keys.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connector } from '../connectors/connector.js';
import { generateBacklog } from '../connectors/sandbox-kit/backlog.js';
import type { Issue } from '../src/domain/index.js';
import { scoreRecord } from '../src/pipeline/score-record.js';
import type { IssueRecord } from '../src/store/issue-record.js';
import { startBenchDeployment, TRACKERS, type BenchDeployment } from './deployment.js';
import { round } from './stats.js';

const BIN = new URL('../bin/netvalue.js', import.meta.url).pathname;

export interface MemoryFigures {
  issues: number;
  rssMb100k: number;
  redisMb100k: number;
}

function syntheticIssues(trackerId: string, count: number, seed: number): Issue[] {
  return generateBacklog({ count, seed }).map((item, i) => ({
    trackerId,
    id: `syn-${i}`,
    key: `${trackerId === TRACKERS[0] ? 'APP' : 'ENG'}-${i + 1}`,
    title: item.title,
    url: `https://example.invalid/${trackerId}/${i + 1}`,
    labels: [],
    updatedAt: new Date().toISOString(),
    inputs: { value: item.valueUsdPerMonth, cost: item.costHours, costUnit: 'hours' },
    current: {},
    rank: null,
    pinned: false,
  }));
}

async function seed(d: BenchDeployment, perTracker: number): Promise<void> {
  for (const [t, trackerId] of TRACKERS.entries()) {
    const connector = d.ctx.connectors.get(trackerId) as Connector;
    const env = { settings: d.ctx.settings, settingsHash: d.ctx.settingsHash, connector };
    const issues = syntheticIssues(trackerId, perTracker, 900 + t);
    for (let i = 0; i < issues.length; i += 1000) {
      const records: IssueRecord[] = issues.slice(i, i + 1000).map((issue) => {
        const record = scoreRecord(issue, null, env);
        return { ...record, current: record.desired }; // as a finished sync leaves them
      });
      await d.ctx.store.putMany(records);
    }
    await d.ctx.meta.setWatermark(trackerId, new Date().toISOString());
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
      `{${d.config.redisPrefix}}*`,
      'COUNT',
      1000,
    );
    cursor = next;
    for (const key of keys) bytes += Number(await d.ctx.redis.memory('USAGE', key, 'SAMPLES', 0));
  } while (cursor !== '0');
  return bytes / 2 ** 20;
}

export async function benchMemory(
  perTracker = 50_000,
  nodeFlags: string[] = [],
): Promise<MemoryFigures> {
  const d = await startBenchDeployment(50, { seed: 3, rankWriteBack: false, port: 0 });
  try {
    await seed(d, perTracker);
    const redisMb100k = await redisMb(d);
    const port = 40_000 + Math.floor(Math.random() * 10_000);
    const configPath = join(mkdtempSync(join(tmpdir(), 'netvalue-bench-')), 'config.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({ ...d.config, server: { ...d.config.server, port } }),
    );
    const serve = spawn(process.execPath, [...nodeFlags, BIN, 'serve', '--config', configPath], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const auth = { authorization: `Bearer ${d.config.adminToken ?? ''}` };
      // Wait for the start-up syncs (each plans over its tracker's 50,000 issues) to finish.
      for (let i = 0; i < 1200; i++) {
        const status = await fetch(`${base}/admin/status`, { headers: auth })
          .then((r) => (r.ok ? r.json() : null))
          .catch(() => null);
        const trackers = (
          status as { trackers?: { latestRun?: { status?: string } | null }[] } | null
        )?.trackers;
        if (trackers?.length === 2 && trackers.every((t) => t.latestRun?.status === 'done')) break;
        await sleep(250);
      }
      await fetch(`${base}/admin/ranking?limit=200`, { headers: auth }).then((r) =>
        r.arrayBuffer(),
      );
      await fetch(`${base}/admin/preview`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ hourlyRateUsd: 75 }),
      }).then((r) => r.arrayBuffer());
      await fetch(`${base}/metrics`).then((r) => r.arrayBuffer());
      const status = readFileSync(`/proc/${serve.pid ?? 0}/status`, 'utf8');
      const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return {
        issues: perTracker * 2,
        rssMb100k: round(peakKb / 1024, 1),
        redisMb100k: round(redisMb100k, 1),
      };
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
  } finally {
    await d.close();
  }
}
