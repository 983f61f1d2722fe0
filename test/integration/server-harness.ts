/**
 * A deployment with its HTTP server for the server tests: the pipeline harness (both sandboxes,
 * private Redis prefix, workers) plus `buildServer`, and small helpers to follow what happened.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { buildServer } from '../../src/server/build-server.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { runSync } from '../../src/pipeline/sync-run.js';
import { scanKeys } from '../../src/store/cleanup.js';
import type { RunSummary } from '../../src/store/run-store.js';
import { REDIS_URL, startHarness, type Harness, type HarnessOptions } from './pipeline-harness.js';

export interface ServerHarness extends Harness {
  app: FastifyInstance;
  /** `Authorization` header with the configured admin token. */
  admin: { authorization: string };
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Jira fields without the rank position, so a write touches only the issue that changed. */
export const JIRA_FIELDS = {
  value: 'Value ($/month)',
  cost: 'Cost (hours)',
  costUnit: 'hours',
  netValue: 'Net value',
};

export async function startServerHarness(options: HarnessOptions = {}): Promise<ServerHarness> {
  const h = await startHarness(options);
  const app = await buildServer({ ctx: h.ctx, workersRunning: () => h.workers !== null });
  const close = h.close.bind(h);
  return Object.assign(h, {
    app,
    admin: { authorization: `Bearer ${h.config.adminToken ?? ''}` },
    inject: (o: InjectOptions) => app.inject(o),
    async close() {
      await app.close();
      await close();
    },
  });
}

/** One sync of both trackers, to completion; fails the test when a run failed. */
export async function syncAll(h: Harness): Promise<RunSummary[]> {
  const summaries = await runSync(h.ctx, {
    trackerIds: h.config.trackers.map((t) => t.id),
    full: false,
    dryRun: false,
  });
  const failures = summaries.flatMap((s) => s.failures);
  if (failures.length > 0) throw new Error(`sync failed: ${JSON.stringify(failures)}`);
  return summaries;
}

/** Resolves with the run's summary once it is done (follows the events channel; no polling). */
export async function waitForRun(ctx: PipelineContext, runId: string): Promise<RunSummary> {
  let settle: ((s: RunSummary) => void) | undefined;
  let fail: ((err: unknown) => void) | undefined;
  const done = new Promise<RunSummary>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const check = () =>
    ctx.runs.summary(runId).then((s) => {
      if (s?.status === 'done') settle?.(s);
    }, fail);
  const events = await ctx.runs.subscribe((id) => {
    if (id === runId) void check();
  });
  try {
    void check();
    return await done;
  } finally {
    await events.close();
  }
}

/** Every key under the prefix with its DUMP, to prove that something wrote nothing. */
export async function dumpPrefix(prefix: string): Promise<Map<string, string>> {
  return (await dumpPrefixKeys(prefix)).dump;
}

/** As `dumpPrefix`, with the keys that have a time to live (they may expire on their own). */
export async function dumpPrefixKeys(
  prefix: string,
): Promise<{ dump: Map<string, string>; volatile: Set<string> }> {
  const redis = new Redis(REDIS_URL);
  try {
    const dump = new Map<string, string>();
    const volatile = new Set<string>();
    // The deployment's tag and every tracker's tag (src/store/keys.ts).
    for (const pattern of [`{${prefix}}*`, `{${prefix}:*`]) {
      for await (const keys of scanKeys(redis, pattern)) {
        for (const key of keys) {
          const value = await redis.dumpBuffer(key);
          if (value) dump.set(key, value.toString('hex'));
          if ((await redis.pttl(key)) > 0) volatile.add(key);
        }
      }
    }
    return { dump, volatile };
  } finally {
    await redis.quit();
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A tiny Prometheus text parser: every non-comment line must be `name{labels} value`. */
export function parsePrometheus(text: string): Sample[] {
  const line =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|NaN|\+Inf|-Inf))$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = line.exec(l);
      if (!m) throw new Error(`not Prometheus text: ${l}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(label)) labels[k as string] = v as string;
      return { name: m[1] as string, labels, value: Number(m[3]) };
    });
}

export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}
