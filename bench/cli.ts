/**
 * Start-up cost of the CLI as a user meets it: `node bin/netvalue.js --help` as a whole process
 * (compiled dist/), against `node -e 0` measured in the same run. Wall time is from spawn to exit;
 * peak RSS is the kernel's maximum resident set size of the child (getrusage through
 * /usr/bin/time -f %M), so nothing is sampled and nothing is missed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median, round } from './stats.js';

const BIN = new URL('../bin/netvalue.js', import.meta.url).pathname;
const TIME = '/usr/bin/time';

export interface CliFigures {
  helpMs: number;
  helpRssMb: number;
  nodeBaselineMs: number;
  nodeBaselineRssMb: number;
}

/** One process: wall ms and peak RSS in MB (NaN when /usr/bin/time is missing). */
async function runOnce(args: string[]): Promise<{ ms: number; rssMb: number }> {
  const timed = existsSync(TIME);
  const [cmd, argv] = timed
    ? [TIME, ['-f', '%M', process.execPath, ...args]]
    : [process.execPath, args];
  const start = performance.now();
  const child = spawn(cmd, argv, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NETVALUE_FROM_SOURCE: '' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}: ${stderr}`);
  const kb = timed ? Number(/(\d+)\s*$/.exec(stderr.trim())?.[1] ?? NaN) : NaN;
  return { ms, rssMb: kb / 1024 };
}

/** Median of `runs` for each, interleaved so both see the same machine load. */
export async function benchCli(runs = 5): Promise<CliFigures> {
  const help: { ms: number; rssMb: number }[] = [];
  const base: { ms: number; rssMb: number }[] = [];
  await runOnce(['-e', '0']); // warm the file cache for both
  await runOnce([BIN, '--help']);
  for (let i = 0; i < runs; i++) {
    base.push(await runOnce(['-e', '0']));
    help.push(await runOnce([BIN, '--help']));
  }
  return {
    helpMs: round(median(help.map((r) => r.ms)), 0),
    helpRssMb: round(median(help.map((r) => r.rssMb)), 1),
    nodeBaselineMs: round(median(base.map((r) => r.ms)), 0),
    nodeBaselineRssMb: round(median(base.map((r) => r.rssMb)), 1),
  };
}
