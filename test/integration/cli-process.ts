/**
 * Runs `node bin/netvalue.js ...` as a user would, in a working directory of the test's choosing
 * (so no stray .env is picked up), and measures how long it took.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const BIN = new URL('../../bin/netvalue.js', import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface CliOptions {
  cwd: string;
  /** Added to the test's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** A process still running after this is killed (a hung start-up must not outlive the test). */
  killAfterMs?: number;
}

export async function runNetvalue(args: string[], options: CliOptions): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const startedAt = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, stdout, stderr, elapsedMs: performance.now() - startedAt };
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  return typeof address === 'object' && address ? address.port : 0;
}

/** A minimal valid config (one Jira tracker) as YAML, with `extra` top-level lines first. */
export function minimalConfig(extra: string[] = [], jiraBaseUrl = 'http://127.0.0.1:1'): string {
  return [
    ...extra,
    'trackers:',
    '  - id: acme-jira',
    '    kind: jira',
    `    baseUrl: ${jiraBaseUrl}`,
    '    allowInsecureHttp: true # a local http test server',
    '    email: bot@example.com',
    '    apiToken: not-a-real-token',
    '    jql: project = APP',
    '    fields: { value: V, cost: C, netValue: N }',
  ].join('\n');
}
