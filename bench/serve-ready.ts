/**
 * Start-up time of `netvalue serve` as it ships (compiled dist/): from spawning the process to the
 * first 200 from `/readyz` (Redis answers, workers run, sync schedules exist), with an empty state
 * and both sandboxes reachable. Polled every 10 ms.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBenchDeployment, type BenchDeployment } from './deployment.js';
import { median, round } from './stats.js';

const BIN = new URL('../bin/netvalue.js', import.meta.url).pathname;

/** A config file for `serve` on a free port of its own (the deployment's, with another port). */
export function serveConfig(d: BenchDeployment, port: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netvalue-bench-')), 'config.yaml');
  writeFileSync(path, JSON.stringify({ ...d.config, server: { ...d.config.server, port } }));
  return path;
}

export function randomPort(): number {
  return 40_000 + Math.floor(Math.random() * 10_000);
}

/** Spawns compiled `serve` (default Node flags unless given); stderr goes to ours. */
export function spawnServe(configPath: string, nodeFlags: string[] = []) {
  return spawn(process.execPath, [...nodeFlags, BIN, 'serve', '--config', configPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NETVALUE_FROM_SOURCE: '' },
  });
}

async function readyOnce(d: BenchDeployment): Promise<number> {
  const port = randomPort();
  const config = serveConfig(d, port);
  const start = performance.now();
  const serve = spawnServe(config);
  let exited = false;
  serve.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error('serve exited before it was ready');
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return performance.now() - start;
      if (performance.now() - start > 60_000) throw new Error('serve not ready within 60 s');
      await sleep(10);
    }
  } finally {
    serve.kill('SIGTERM');
    if (!exited) await once(serve, 'exit');
  }
}

/** Median ms from spawn to /readyz 200 over `runs` starts, each on an empty state. */
export async function benchServeReady(runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A fresh prefix each time: the state is empty, as on a first start.
    const d = await startBenchDeployment(20, { seed: 5, rankWriteBack: false });
    try {
      times.push(await readyOnce(d));
    } finally {
      await d.close();
    }
  }
  return round(median(times), 0);
}
