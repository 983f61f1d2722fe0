/**
 * `npm run bench`: every benchmark, a table each, and the figures in bench/results/latest.json.
 * Each figure is a median of several runs; each comparison is made inside one run.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchCli } from './cli.js';
import { benchCluster } from './cluster.js';
import { benchFullSyncRun } from './full-sync.js';
import { benchLimits, type LimitsResult } from './limits.js';
import { benchMemory } from './memory.js';
import { benchPlanner } from './planner.js';
import { benchPositionWrites } from './position-writes.js';
import { benchServeReady } from './serve-ready.js';
import { benchWebhooks, benchWebhooksDuringSync } from './webhooks.js';
import { median, round } from './stats.js';

const RESULTS = new URL('./results/latest.json', import.meta.url);

function machine(): string {
  let redis = 'unknown';
  try {
    redis = execSync('redis-server --version', { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? redis;
  } catch {
    // Redis may run elsewhere (REDIS_URL); the version is then unknown here.
  }
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Redis ${redis}`;
}

function print(title: string, rows: [string, string | number, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v, target] of rows)
    console.log(`  ${k.padEnd(width)}  ${String(v).padStart(10)}  ${target}`);
}

function writeResults(results: Record<string, unknown>): void {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nWrote ${RESULTS.pathname}`);
}

async function startupPart(results: Record<string, unknown>, quick: boolean): Promise<void> {
  const cli = await benchCli(5);
  results['cli'] = cli;
  const serve = { readyMs: await benchServeReady(quick ? 1 : 3) };
  results['serve'] = serve;
  print('Start-up (compiled dist/, median of 5 / 3)', [
    ['netvalue --help, whole process (ms)', cli.helpMs, `target <= 3 x node -e 0`],
    ['node -e 0, same run (ms)', cli.nodeBaselineMs, ''],
    ['netvalue --help, peak RSS (MB)', cli.helpRssMb, 'target <= 70'],
    ['serve: process start to /readyz 200, empty state (ms)', serve.readyMs, 'target <= 1,500'],
  ]);
}

async function limitsPart(results: Record<string, unknown>): Promise<void> {
  const limits: LimitsResult = await benchLimits();
  results['limits'] = { ...limits, at: new Date().toISOString() };
  print('Rate limits (sandbox budgets enforced, an hour scaled to 2 s)', [
    ['budget used during a sync that hits it (%)', limits.budgetUsePct, 'target >= 90'],
    ['extra wait beyond Retry-After, median (%)', limits.retryAfterOvershootPct, 'target <= 10'],
    ['429s per 1,000 requests, paced', limits.rejectionsPer1k, 'keep it low'],
    ['Linear complexity per issue pulled', limits.linearComplexityPerIssue, 'target <= 40'],
    ['issues re-read by the sync after a write (%)', limits.rereadAfterWritePct, 'target <= 5'],
  ]);
}

/** Memory of `serve` with 100,000 (and, unless quick, 1,000,000) issues in state. */
async function memoryPart(
  results: Record<string, unknown>,
  planner: Record<string, number>,
  quick: boolean,
): Promise<void> {
  // One run each: seeding the state dominates, and RSS varies little between runs.
  const perTrackerMemory = quick ? 10_000 : 50_000;
  const memoryDefault = await benchMemory(perTrackerMemory);
  // The heap-capped run is informative only (production may cap the heap; the figure must not
  // depend on it). It can run out of memory at start-up (README Performance): -1 then, and the
  // rest of the benchmark goes on.
  const memoryCapped = await benchMemory(perTrackerMemory, {
    nodeFlags: ['--max-old-space-size=160'],
  }).catch((err: unknown) => {
    console.error(
      `heap-capped memory run failed: ${err instanceof Error ? err.message : String(err)}`,
    );
    return { rssMb: -1 };
  });
  const memory: Record<string, number> = {
    issues: memoryDefault.issues,
    rssMb100k: memoryDefault.rssMb,
    rssMb100kHeapCapped: memoryCapped.rssMb,
    redisMb100k: memoryDefault.redisMb,
    rssMb100kAfterPlans: memoryDefault.rssMbAfterPlans,
    plansMs100k: memoryDefault.plansMs,
  };
  if (!quick) {
    // 500,000 per tracker. No preview: one of a change that moves every issue holds about 400
    // bytes per issue and peaked at about 1.3 GB at this size (README "Running in production").
    const million = await benchMemory(500_000, { preview: false, timeoutMs: 900_000 });
    memory['rssMb1m'] = million.rssMb;
    memory['redisMb1m'] = million.redisMb;
    planner['plansMs1m'] = million.plansMs;
  }
  results['memory'] = memory;
  const perIssueKb = (mb: number | undefined, n: number) =>
    mb === undefined ? 'skipped' : round((mb * 1024) / n, 2);
  print(`Memory: netvalue serve with ${memory['issues']} / 1,000,000 issues in state`, [
    ['peak RSS, default node flags (MB)', memory['rssMb100k'] ?? NaN, 'target <= 250'],
    ['peak RSS, --max-old-space-size=160 (MB)', memory['rssMb100kHeapCapped'] ?? NaN, ''],
    ['Redis memory for the state (MB)', memory['redisMb100k'] ?? NaN, ''],
    ['Redis KB per issue', perIssueKb(memory['redisMb100k'], memoryDefault.issues), '~1.1'],
    ['both start-up plans (ms)', memory['plansMs100k'] ?? NaN, ''],
    ['1,000,000 issues: peak RSS (MB)', memory['rssMb1m'] ?? 'skipped', 'target <= 450'],
    ['1,000,000 issues: Redis (MB)', memory['redisMb1m'] ?? 'skipped', ''],
    ['1,000,000 issues: both start-up plans (ms)', planner['plansMs1m'] ?? 'skipped', ''],
  ]);
}

export async function runBenchmarks(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const results: Record<string, unknown> = { machine: machine(), at: new Date().toISOString() };
  // `--only limits|startup|memory` runs that part alone and keeps the other figures of the last
  // full run.
  const onlyAt = argv.indexOf('--only');
  if (onlyAt >= 0) {
    const part = argv[onlyAt + 1];
    if (part !== 'limits' && part !== 'startup' && part !== 'memory') {
      console.error(`--only takes: limits, startup, memory (got ${part ?? 'nothing'})`);
      return 2;
    }
    const previous = existsSync(RESULTS)
      ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>)
      : {};
    const merged = Object.keys(previous).length > 0 ? previous : results;
    if (part === 'limits') {
      // The run's own time goes with its figures; `at` stays the time of the others.
      await limitsPart(merged);
    } else if (part === 'memory') {
      // `serve` is measured as it ships: the compiled build, made fresh from these sources.
      execSync('npm run --silent build', { stdio: 'inherit' });
      const planner = (merged['planner'] ?? {}) as Record<string, number>;
      await memoryPart(merged, planner, quick);
      merged['planner'] = planner;
      merged['memoryAt'] = new Date().toISOString();
    } else {
      execSync('npm run --silent build', { stdio: 'inherit' });
      await startupPart(merged, quick);
      merged['startupAt'] = new Date().toISOString();
    }
    writeResults(merged);
    return 0;
  }

  // `serve` and the CLI are measured as they ship: the compiled build, made fresh from these sources.
  execSync('npm run --silent build', { stdio: 'inherit' });
  await startupPart(results, quick);

  const planner: Record<string, number> = {
    ms10k: await benchPlanner(10_000),
    ms100k: await benchPlanner(100_000, 3),
  };
  if (!quick) planner['ms1m'] = await benchPlanner(1_000_000, 3);
  results['planner'] = planner;
  print('Planner (random re-order: moves, Jira batches, Linear sort keys)', [
    ['10,000 issues (ms)', planner['ms10k'] ?? NaN, 'target <= 200'],
    ['100,000 issues (ms)', planner['ms100k'] ?? NaN, ''],
    ['1,000,000 issues (ms)', planner['ms1m'] ?? 'skipped', 'target <= 3,000'],
  ]);

  const perTracker = quick ? 1000 : 5000;
  const runs = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) runs.push(await benchFullSyncRun(perTracker, 100 + i));
  const issuesPerSec = median(runs.map((r) => r.issues / (r.pipelineMs / 1000)));
  const fullSync = {
    issues: runs[0]?.issues ?? 0,
    issuesPerSec: round(issuesPerSec, 0),
    pipelineMs: round(median(runs.map((r) => r.pipelineMs)), 0),
    limitMs: round(median(runs.map((r) => r.limitMs)), 0),
    ratioToLimit: round(median(runs.map((r) => r.pipelineMs / r.limitMs))),
  };
  const economy = {
    readsPerIssue: round(median(runs.map((r) => r.reads / r.issues)), 4),
    writesPerIssue: round(median(runs.map((r) => r.writes / r.issues)), 4),
    resyncWrites: Math.max(...runs.map((r) => r.resyncWrites)),
    rankMovesOverMinimum: Math.max(...runs.map((r) => r.rankMoves - r.rankMovesMinimum)),
    // rankPosition: one issue moving 10 places in a 10,000-issue backlog (planned in memory).
    positionWritesPerChange: benchPositionWrites(10_000, 10).positionWrites,
  };
  results['fullSync'] = fullSync;
  results['economy'] = economy;
  print(`Full sync, ${fullSync.issues} issues (median of ${runs.length})`, [
    ['issues per second', fullSync.issuesPerSec, 'target >= 1,000'],
    ['pipeline (ms)', fullSync.pipelineMs, ''],
    ['limit: same calls, no queue (ms)', fullSync.limitMs, ''],
    ['pipeline / limit', fullSync.ratioToLimit, 'target <= 1.5'],
  ]);
  print('API economy', [
    ['reads per issue', economy.readsPerIssue, 'target <= 0.02'],
    ['writes per issue (first sync)', economy.writesPerIssue, ''],
    ['writes on an unchanged re-sync', economy.resyncWrites, 'target 0'],
    ['rank moves over the minimum', economy.rankMovesOverMinimum, 'target 0'],
    [
      'position writes, 1 issue up 10 places of 10,000',
      economy.positionWritesPerChange,
      'expected 11 (10 + itself)',
    ],
  ]);

  const webhookRuns = [];
  for (let i = 0; i < (quick ? 1 : 3); i++)
    webhookRuns.push(await benchWebhooks(quick ? 200 : 500, 100));
  const webhook = {
    sent: webhookRuns[0]?.sent ?? 0,
    ackP50Ms: median(webhookRuns.map((r) => r.ackP50Ms)),
    ackP99Ms: median(webhookRuns.map((r) => r.ackP99Ms)),
    serverAckP50Ms: median(webhookRuns.map((r) => r.serverAckP50Ms)),
    serverAckP99Ms: median(webhookRuns.map((r) => r.serverAckP99Ms)),
    eventToWriteP50Ms: median(webhookRuns.map((r) => r.eventToWriteP50Ms)),
    eventToWriteP95Ms: median(webhookRuns.map((r) => r.eventToWriteP95Ms)),
    eventToWriteP99Ms: median(webhookRuns.map((r) => r.eventToWriteP99Ms)),
    missed: Math.max(...webhookRuns.map((r) => r.missed)),
    coldAckP99Ms: median(webhookRuns.map((r) => r.coldAckP99Ms)),
    coldEventToWriteP99Ms: median(webhookRuns.map((r) => r.coldEventToWriteP99Ms)),
  };
  results['webhook'] = webhook;
  print(
    `Webhooks: ${webhook.sent} signed Jira webhooks at 100/s after a burst like it (median of ${webhookRuns.length})`,
    [
      ['ack p50, sender side (ms)', webhook.ackP50Ms, ''],
      ['ack p99, sender side (ms)', webhook.ackP99Ms, 'target <= 20'],
      ['ack p50, service side (ms)', webhook.serverAckP50Ms, ''],
      ['ack p99, service side (ms)', webhook.serverAckP99Ms, ''],
      ['event to write p50 (ms)', webhook.eventToWriteP50Ms, ''],
      ['event to write p95 (ms)', webhook.eventToWriteP95Ms, ''],
      ['event to write p99 (ms)', webhook.eventToWriteP99Ms, 'target <= 250'],
      ['webhooks without a write', webhook.missed, 'target 0'],
      ['first burst after the sync: ack p99 (ms)', webhook.coldAckP99Ms, ''],
      ['first burst after the sync: event to write p99 (ms)', webhook.coldEventToWriteP99Ms, ''],
    ],
  );
  // One run: a first full sync of 10,000 issues in the same process as the HTTP server.
  const duringSync = await benchWebhooksDuringSync(5000, 600, 100);
  Object.assign(webhook, {
    ackP50MsDuringSync: duringSync.ackP50Ms,
    ackP99MsDuringSync: duringSync.ackP99Ms,
    serverAckP99MsDuringSync: duringSync.serverAckP99Ms,
    duringSyncMs: duringSync.syncMs,
  });
  print(`Webhooks at 100/s during a first full sync of 10,000 issues (one run)`, [
    ['ack p50, sender side (ms)', duringSync.ackP50Ms, ''],
    ['ack p99, sender side (ms)', duringSync.ackP99Ms, 'target <= 50'],
    ['ack p99, service side (ms)', duringSync.serverAckP99Ms, ''],
    ['the sync took (ms)', duringSync.syncMs, ''],
  ]);

  await memoryPart(results, planner, quick);

  // A local Redis Cluster (3 masters + 3 replicas): 10,000 issues, then a master killed.
  const clusterRun = await benchCluster(quick ? 2000 : 5000);
  results['cluster'] = clusterRun;
  print(`Redis Cluster: full sync of ${clusterRun.issues} issues, then a master killed (one run)`, [
    ['issues per second', clusterRun.issuesPerSec, 'single Redis: fullSync.issuesPerSec'],
    ['master killed to /readyz 200 again (ms)', clusterRun.failoverRecoveryMs, 'node timeout 2 s'],
  ]);

  await limitsPart(results);

  writeResults(results);
  return 0;
}
