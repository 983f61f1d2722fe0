/**
 * `npm run soak [-- --minutes N]` (default 10; not part of `npm test`): `netvalue serve` plus two
 * `netvalue worker` processes against a Redis of the soak's own, both sandboxes at scale behind
 * fault proxies, and for the whole run: ~20 % of tracker requests faulted, a Redis SIGKILL mid-sync
 * (restarted from the AOF), a worker SIGKILLed every ~40 s (restarted), a stream of webhooks
 * (real, duplicate, late, replayed, badly signed, stale, bursts) and people editing. Then faults
 * stop, the pipeline converges, and the trackers are checked against values recomputed here
 * (soak/expected.ts). Writes soak/results/latest.json; exits 1 when anything is wrong.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { JiraTrackerConfig } from '../connectors/jira/config.js';
import { LinearTrackerConfig } from '../connectors/linear/config.js';
import { startSoakHost, type SoakHost } from './host.js';
import { freePort, logPathOf, NetvalueProcess, SoakRedis } from './processes.js';

const TRACKERS = { jira: 'soak-jira', linear: 'soak-linear' };
const PREFIX = 'soak';
const LOCK_MS = 3_000;
const SCOPE_GRACE_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function log(line: string): void {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

interface CheckReport {
  wrong: { tracker: string; key: string; field: string; expected: unknown; found: unknown }[];
  order: { tracker: string; ahead: string; behind: string }[];
  unscoredBeforeScored: { jira: string[]; linear: string[] };
  checked: Record<string, number>;
}
interface WriteReport {
  writesSent: number;
  writesApplied: number;
  /** Linear sort keys rewritten by floating-point noise only (no position changed). */
  sortKeyNudges: number;
  duplicates: { tracker: string; key: string; field: string; value: unknown; atMs: number }[];
  outOfScopeWrites: {
    tracker: string;
    key: string;
    field: string;
    value: unknown;
    leftScopeSecAgo: number;
  }[];
  outOfScopeWithinGrace: number;
  rankCalls: number;
  rankOutOfScope: string[];
}
interface FaultReport {
  total: number;
  requests: number;
  sharePct: number;
  byKind: Record<string, number>;
}

function secret(): string {
  return randomBytes(32).toString('hex');
}

/** Whether a tracker schema asks for `allowInsecureHttp` to accept http:// (the sandboxes are http). */
function insecureFlag(schema: { shape: object }): Record<string, boolean> {
  return 'allowInsecureHttp' in schema.shape ? { allowInsecureHttp: true } : {};
}

export async function runSoak(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '10' },
      issues: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '7' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const minutes = Number(values.minutes);
  const issues = Number(values.issues);
  const seed = Number(values.seed);
  const logLevel = values['log-level'];
  if (!(minutes > 0) || !(issues > 0) || !['info', 'debug', 'trace'].includes(logLevel)) {
    process.stderr.write(
      'usage: npm run soak -- [--minutes N] [--issues N] [--seed N] [--log-level info|debug|trace]\n',
    );
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'netvalue-soak-'));
  const secrets = {
    admin: secret(),
    jiraWebhook: secret(),
    linearWebhook: secret(),
    linearApiKey: `lin_api_${secret()}`,
  };
  log(`run directory (config, logs, AOF): ${dir}`);

  const redis = new SoakRedis(await freePort(), dir, join(dir, 'redis.log'));
  let host: SoakHost | null = null;
  const procs: NetvalueProcess[] = [];
  const startedAt = Date.now();
  try {
    await redis.start();
    log(`redis-server on ${redis.url} (AOF, appendfsync always)`);
    host = await startSoakHost({
      issuesPerTracker: issues,
      seed,
      secrets: {
        jiraWebhook: secrets.jiraWebhook,
        linearWebhook: secrets.linearWebhook,
        linearApiKey: secrets.linearApiKey,
      },
      trackers: TRACKERS,
      scopeGraceMs: SCOPE_GRACE_MS,
    });
    const sandbox = host;
    const info = await sandbox.call<{
      jiraUrl: string;
      linearUrl: string;
      jiraEmail: string;
      jiraApiToken: string;
    }>('info');
    const port = await freePort();
    const serveUrl = `http://127.0.0.1:${port}`;
    const config = {
      redisUrl: redis.url,
      redisPrefix: PREFIX,
      adminToken: '${SOAK_ADMIN_TOKEN}',
      logLevel,
      concurrency: 8,
      server: { host: '127.0.0.1', port, authFailuresPerMinute: 100_000 },
      sync: { intervalSec: 5, fullEverySec: 60, rankSettleMs: 500 },
      trackers: [
        {
          id: TRACKERS.jira,
          kind: 'jira',
          baseUrl: info.jiraUrl,
          ...insecureFlag(JiraTrackerConfig),
          email: info.jiraEmail,
          apiToken: '${SOAK_JIRA_API_TOKEN}',
          jql: 'project in (APP, OPS) AND statusCategory != Done ORDER BY Rank ASC',
          rank: true,
          webhookSecret: '${SOAK_JIRA_WEBHOOK_SECRET}',
          timeoutMs: 3_000,
          writesPerSec: 100,
          fields: {
            value: 'Value ($/month)',
            cost: 'Cost (hours)',
            costUnit: 'hours',
            netValue: 'Net value',
          },
        },
        {
          id: TRACKERS.linear,
          kind: 'linear',
          apiUrl: info.linearUrl,
          ...insecureFlag(LinearTrackerConfig),
          apiKey: '${SOAK_LINEAR_API_KEY}',
          teams: ['ENG', 'OPS'],
          webhookSecret: '${SOAK_LINEAR_WEBHOOK_SECRET}',
          timeoutMs: 3_000,
          writesPerSec: 10,
          writeBack: { prioritySortOrder: true, priority: true },
        },
      ],
    };
    const configPath = join(dir, 'netvalue.config.yaml');
    writeFileSync(configPath, JSON.stringify(config, null, 2)); // YAML is a superset of JSON
    const env = {
      NETVALUE_FROM_SOURCE: '1',
      NETVALUE_LOCK_MS: String(LOCK_MS),
      SOAK_ADMIN_TOKEN: secrets.admin,
      SOAK_JIRA_API_TOKEN: info.jiraApiToken,
      SOAK_JIRA_WEBHOOK_SECRET: secrets.jiraWebhook,
      SOAK_LINEAR_API_KEY: secrets.linearApiKey,
      SOAK_LINEAR_WEBHOOK_SECRET: secrets.linearWebhook,
    };
    const serve = new NetvalueProcess(
      'serve',
      ['serve', '--config', configPath],
      env,
      logPathOf(dir, 'serve'),
    );
    const workers = [1, 2].map(
      (n) =>
        new NetvalueProcess(
          `worker-${n}`,
          ['worker', '--config', configPath, '--concurrency', '8'],
          env,
          logPathOf(dir, `worker-${n}`),
        ),
    );
    procs.push(serve, ...workers);

    await sandbox.call('faultsOn');
    log(`faults on; starting serve and two workers (${issues} issues per tracker)`);
    await serve.start('"netvalue serving"');
    await Promise.all(workers.map((w) => w.start('"worker started"')));
    log('serve and workers up: chaos begins');

    const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const res = await fetch(`${serveUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${secrets.admin}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status >= 300)
        throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as unknown;
    };
    const monitor = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: false });
    monitor.on('error', () => undefined);

    await sandbox.call('startChaos', serveUrl, 400, 250);
    const chaosMs = minutes * 60_000;
    const chaosEnd = Date.now() + chaosMs;
    let workerKills = 0;
    let redisRestarts = 0;
    const redisAt = [0.35, 0.75].map((f) => Date.now() + f * chaosMs);
    let nextWorkerKill = Date.now() + 20_000;
    let killIndex = 0;
    const restarting: Promise<void>[] = [];
    while (Date.now() < chaosEnd) {
      await sleep(1_000);
      if (Date.now() >= nextWorkerKill) {
        const w = workers[killIndex++ % workers.length] as NetvalueProcess;
        if (w.alive) {
          await w.kill('SIGKILL');
          workerKills++;
          log(`SIGKILL ${w.name} (kill ${workerKills})`);
          restarting.push(
            sleep(1_500).then(() =>
              w
                .start('"worker started"')
                .catch((err: unknown) => void log(`restart of ${w.name} failed: ${String(err)}`)),
            ),
          );
        }
        nextWorkerKill = Date.now() + 35_000 + Math.floor(Math.random() * 10_000);
      }
      const due = redisAt[0];
      if (due !== undefined && Date.now() >= due) {
        redisAt.shift();
        // Mid-sync: a full sync of both trackers is queued, and Redis dies while it runs.
        await admin('POST', '/admin/sync', { full: true }).catch((err: unknown) =>
          log(String(err)),
        );
        await sleep(1_500);
        log('SIGKILL redis-server mid-sync; restarting from the AOF in 2 s');
        await redis.crashAndRestart(2_000);
        redisRestarts++;
        log('redis-server back');
      }
      for (const p of [serve, ...workers]) {
        if (p === serve && !p.alive) throw new Error('serve died; see its log');
      }
    }
    const chaos = await sandbox.call<Record<string, unknown>>('stopChaos');
    await sandbox.call('faultsOff');
    await Promise.all(restarting);
    for (const w of workers) if (!w.alive) await w.start('"worker started"');
    const faults = await sandbox.call<FaultReport>('faults');
    log(
      `chaos over: ${faults.total} faults in ${faults.requests} tracker requests (${faults.sharePct.toFixed(1)} %), ` +
        `${String(chaos['webhooks'])} webhooks, ${String(chaos['edits'])} edits, ${workerKills} worker kills, ${redisRestarts} Redis restarts`,
    );

    // Settle without faults: the next incremental sync of each tracker, then idle queues.
    const queuesIdle = async (): Promise<boolean> => {
      const status = (await admin('GET', '/admin/status')) as {
        trackers: { queue: { counts: Record<string, number> } }[];
        scoreQueue: { counts: Record<string, number> };
      };
      const busy = (c: Record<string, number>) =>
        (c['wait'] ?? 0) + (c['active'] ?? 0) + (c['prioritized'] ?? 0);
      return [...status.trackers.map((t) => t.queue.counts), status.scoreQueue.counts].every(
        (c) => busy(c) === 0,
      );
    };
    const waitIdle = async (label: string, timeoutMs = 240_000) => {
      const until = Date.now() + timeoutMs;
      let quiet = 0;
      while (Date.now() < until) {
        quiet = (await queuesIdle().catch(() => false)) ? quiet + 1 : 0;
        if (quiet >= 4) return;
        await sleep(1_000);
      }
      throw new Error(`queues not idle after ${timeoutMs} ms (${label})`);
    };
    const runDone = async (runId: string, timeoutMs = 240_000): Promise<Record<string, string>> => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const run = await monitor.hgetall(`{${PREFIX}}:run:${runId}`);
        if (run['status'] === 'done') return run;
        await sleep(2_000);
      }
      throw new Error(`run ${runId} not done after ${timeoutMs} ms`);
    };
    const settleFrom = Date.now();
    log('settling: waiting for an incremental sync of each tracker after the faults stopped');
    for (const id of Object.values(TRACKERS)) {
      // A run started under the faults may hold the tracker for minutes: scheduled ticks wait.
      const until = Date.now() + 300_000;
      for (;;) {
        const latest = await monitor.hget(`{${PREFIX}}:runs`, id);
        const run = latest ? await monitor.hgetall(`{${PREFIX}}:run:${latest}`) : {};
        if (run['status'] === 'done' && Date.parse(run['startedAt'] ?? '') > settleFrom + 1_000)
          break;
        if (Date.now() > until)
          throw new Error(`no sync of ${id} finished after the faults stopped`);
        await sleep(1_000);
      }
    }
    await waitIdle('settle');
    await sleep(2_000);
    const beforeFull = await sandbox.call<CheckReport>('check', true);
    log(
      `before the full sync: ${beforeFull.wrong.length} edited issues not yet right in their tracker`,
    );

    // Converge: full syncs through the admin API until one writes and moves nothing.
    const rounds: Record<string, unknown>[] = [];
    for (let round = 1; round <= 4; round++) {
      const { jobs } = (await admin('POST', '/admin/sync', { full: true })) as {
        jobs: { trackerId: string; runId: string }[];
      };
      const results = await Promise.all(jobs.map((j) => runDone(j.runId)));
      await waitIdle(`full sync ${round}`);
      const summary = Object.fromEntries(
        jobs.map((j, i) => {
          const r = results[i] ?? {};
          return [
            j.trackerId,
            {
              pulled: Number(r['pulled'] ?? 0),
              written: Number(r['written'] ?? 0),
              moved: Number(r['moved'] ?? 0),
              failed: Number(r['failed'] ?? 0),
            },
          ];
        }),
      );
      rounds.push(summary);
      log(`full sync ${round}: ${JSON.stringify(summary)}`);
      const quiet = Object.values(summary).every((s) => s.written === 0 && s.moved === 0);
      if (quiet && round >= 2) break;
    }
    await sleep(2_000);
    const final = await sandbox.call<CheckReport>('check', false);
    const writes = await sandbox.call<WriteReport>('writeReport');
    monitor.disconnect();

    // Stop the processes, then scan every log for a secret.
    for (const p of procs) await p.close();
    procs.length = 0;
    await redis.stop();
    const secretList: [string, string][] = [
      ['admin token', secrets.admin],
      ['Jira webhook secret', secrets.jiraWebhook],
      ['Linear webhook secret', secrets.linearWebhook],
      ['Linear API key', secrets.linearApiKey],
      ['Jira API token', info.jiraApiToken],
      ['Jira basic auth', Buffer.from(`${info.jiraEmail}:${info.jiraApiToken}`).toString('base64')],
    ];
    const leaks: { log: string; secret: string; lines: number }[] = [];
    for (const name of ['serve', 'worker-1', 'worker-2', 'redis']) {
      let text = '';
      try {
        text = readFileSync(join(dir, `${name}.log`), 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      for (const [what, value] of secretList) {
        const n = lines.filter((l) => l.includes(value)).length;
        if (n > 0) leaks.push({ log: `${name}.log`, secret: what, lines: n });
      }
    }

    const wrongValues = final.wrong.length;
    const wrongOrder =
      final.order.length +
      final.unscoredBeforeScored.jira.length +
      final.unscoredBeforeScored.linear.length;
    const result = {
      soak: {
        minutes,
        issuesPerTracker: issues,
        faultsInjected: faults.total,
        faultSharePct: Math.round(faults.sharePct * 10) / 10,
        trackerRequests: faults.requests,
        faultsByKind: faults.byKind,
        redisRestarts,
        workerKills,
        webhooks: chaos['webhooks'],
        webhooksByKind: chaos['webhooksByKind'],
        webhookAnswers: chaos['webhookStatuses'],
        edits: chaos['edits'],
        editsByKind: chaos['editsByKind'],
        writesSent: writes.writesSent,
        writesApplied: writes.writesApplied,
        rankCalls: writes.rankCalls,
        wrongValues,
        wrongOrder,
        outOfScopeWrites: writes.outOfScopeWrites.length + writes.rankOutOfScope.length,
        duplicateWrites: writes.duplicates.length,
        sortKeyNudges: writes.sortKeyNudges,
        lostUpdates: beforeFull.wrong.length,
        secretsInLogs: leaks.reduce((s, l) => s + l.lines, 0),
        checked: final.checked,
        fullSyncRounds: rounds,
        failedStarts: Object.fromEntries([serve, ...workers].map((p) => [p.name, p.failedStarts])),
        elapsedSec: Math.round((Date.now() - startedAt) / 1000),
        machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
        finishedAt: new Date().toISOString(),
      },
      details: {
        wrongValues: final.wrong.slice(0, 50),
        wrongOrder: final.order.slice(0, 50),
        unscoredBeforeScored: final.unscoredBeforeScored,
        lostUpdates: beforeFull.wrong.slice(0, 50),
        duplicateWrites: writes.duplicates.slice(0, 50),
        outOfScopeWrites: writes.outOfScopeWrites.slice(0, 50),
        rankOutOfScope: writes.rankOutOfScope.slice(0, 50),
        outOfScopeWritesWithinGrace: writes.outOfScopeWithinGrace,
        secretsInLogs: leaks,
        logs: dir,
      },
    };
    const resultsDir = new URL('./results/', import.meta.url).pathname;
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote soak/results/latest.json`);
    const s = result.soak;
    const problems: string[] = [];
    const show = (what: string, list: unknown[]) => {
      if (list.length === 0) return;
      problems.push(`${what}: ${list.length}`);
      for (const item of list.slice(0, 20))
        process.stdout.write(`  ${what}: ${JSON.stringify(item)}\n`);
    };
    show('wrong value', final.wrong);
    show('wrong order', final.order);
    show('unscored ranked before scored', [
      ...final.unscoredBeforeScored.jira.map((k) => `jira ${k}`),
      ...final.unscoredBeforeScored.linear.map((k) => `linear ${k}`),
    ]);
    show('lost update', beforeFull.wrong);
    show('duplicate write', writes.duplicates);
    show('out-of-scope write', [...writes.outOfScopeWrites, ...writes.rankOutOfScope]);
    show('secret in logs', leaks);
    if (s.redisRestarts < 1) problems.push('no Redis restart happened');
    if (s.workerKills < Math.floor(minutes)) problems.push(`only ${s.workerKills} worker kills`);
    if (Number(s.webhooks) < 500) problems.push(`only ${String(s.webhooks)} webhooks`);
    log(
      `faults ${s.faultsInjected} (${s.faultSharePct} %), Redis restarts ${s.redisRestarts}, worker kills ${s.workerKills}, ` +
        `webhooks ${String(s.webhooks)}; wrongValues ${s.wrongValues}, wrongOrder ${s.wrongOrder}, duplicateWrites ${s.duplicateWrites}, ` +
        `lostUpdates ${s.lostUpdates}, outOfScopeWrites ${s.outOfScopeWrites}, secretsInLogs ${s.secretsInLogs}`,
    );
    if (problems.length > 0) {
      log(`FAILED: ${problems.join('; ')}`);
      return 1;
    }
    log('passed');
    return 0;
  } catch (err) {
    log(`soak aborted: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  } finally {
    // Bounded: a cleanup that hangs must not leave the soak (and its processes) running.
    const bounded = (work: Promise<unknown>) =>
      Promise.race([work.catch(() => undefined), sleep(CLEANUP_STEP_MS)]);
    for (const p of procs) await bounded(p.close());
    await bounded(host?.close() ?? Promise.resolve());
    await bounded(redis.stop());
  }
}

/** The longest one cleanup step may take (a process gets 15 s to stop before SIGKILL). */
const CLEANUP_STEP_MS = 20_000;
