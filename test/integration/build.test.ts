/**
 * The compiled build: `npm run build` (run by `npm ci` through `prepare`) emits dist/, the CLI
 * runs from it, and `--help` loads no heavy module (fastify, BullMQ, the tracker SDKs): commands
 * are imported when they run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const HEAVY = /node_modules\/(fastify|bullmq|jira\.js|@linear\/sdk|ioredis)\//;
/** What netvalue.config.example.yaml reads from the environment (secrets of 32+ characters). */
const EXAMPLE_ENV = {
  NETVALUE_ADMIN_TOKEN: '0123456789abcdef'.repeat(3),
  JIRA_EMAIL: 'bot@example.com',
  JIRA_API_TOKEN: 'jira-token-for-the-build-test',
  JIRA_WEBHOOK_SECRET: 'fedcba9876543210'.repeat(3),
  LINEAR_API_KEY: 'lin_api_for_the_build_test',
  LINEAR_WEBHOOK_SECRET: '13579bdf02468ace'.repeat(3),
};

/** A module-resolution hook that appends every resolved URL to a file (Node's module.register). */
function traceHooks(): { register: string; traceFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nv-trace-'));
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  const traceFile = join(dir, 'trace.txt');
  writeFileSync(traceFile, '');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(traceFile)}, result.url + '\\n');
  return result;
}`,
  );
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});`,
  );
  return { register, traceFile };
}

describe('compiled build', () => {
  beforeAll(async () => {
    await run('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  }, 180_000);

  it('runs the CLI from dist/: --help exits 0 and lists the commands', async () => {
    const { stdout } = await run('node', [BIN, '--help'], { cwd: ROOT });
    for (const command of ['serve', 'worker', 'sync', 'ranking', 'check', 'demo'])
      expect(stdout).toContain(`  ${command}`);
  });

  it('bin/netvalue.js runs the compiled code unless told to run the sources', async () => {
    const { register, traceFile } = traceHooks();
    const env = { ...process.env, NETVALUE_FROM_SOURCE: '' };
    await run('node', ['--import', register, join(ROOT, 'bin/netvalue.js'), '--help'], { env });
    const loaded = readFileSync(traceFile, 'utf8');
    expect(loaded).toContain('/dist/src/cli/bin.js');
    expect(loaded).not.toMatch(/\/src\/cli\/bin\.ts/);
  });

  it('--help loads neither fastify, BullMQ, ioredis nor a tracker SDK', async () => {
    const { register, traceFile } = traceHooks();
    await run('node', ['--import', register, BIN, '--help'], { cwd: ROOT });
    const loaded = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
    expect(loaded.length).toBeGreaterThan(3);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('loading a config loads no tracker SDK (serve starts its job thread first)', async () => {
    const { register, traceFile } = traceHooks();
    const config = join(ROOT, 'dist/src/config.js');
    const script = `const { loadConfig } = await import(${JSON.stringify(config)});
loadConfig(${JSON.stringify(join(ROOT, 'netvalue.config.example.yaml'))}, ${JSON.stringify(EXAMPLE_ENV)});`;
    await run('node', ['--import', register, '--input-type=module', '-e', script], { cwd: ROOT });
    const loaded = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
    expect(loaded).toContain(`file://${config}`);
    expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
  });
});
