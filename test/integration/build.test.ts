/**
 * The compiled build: `npm run build` (run by `npm ci` through `prepare`) emits dist/, the CLI
 * runs from it, and `--help` loads no heavy module (fastify, BullMQ, the tracker SDKs): commands
 * are imported when they run.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from './cli-process.js';
import { startHarness } from './pipeline-harness.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/src/cli/bin.js');
const BUNDLE = join(ROOT, 'dist/bundle/src/cli/bin.js');
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
    expect(loaded).toContain('/dist/bundle/src/cli/bin.js');
    expect(loaded).not.toMatch(/\/src\/cli\/bin\.ts/);
  });

  it('the bundle runs --help from a small part of itself (commands load when they run)', async () => {
    const { register, traceFile } = traceHooks();
    const { stdout } = await run('node', ['--import', register, BUNDLE, '--help'], { cwd: ROOT });
    expect(stdout).toContain('  serve');
    const files = readFileSync(traceFile, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file://'))
      .map((url) => new URL(url).pathname);
    expect(files.every((f) => f.includes('/dist/bundle/'))).toBe(true);
    const loaded = files.reduce((n, f) => n + statSync(f).size, 0);
    const whole = readdirSync(join(ROOT, 'dist/bundle'), { recursive: true })
      .map((f) => join(ROOT, 'dist/bundle', String(f)))
      .filter((f) => f.endsWith('.js'))
      .reduce((n, f) => n + statSync(f).size, 0);
    expect(whole).toBeGreaterThan(3_000_000); // the SDKs, fastify, BullMQ are in it
    expect(loaded).toBeLessThan(whole / 20);
  });

  it("the bundle's serve starts its job thread and is ready", { timeout: 60_000 }, async () => {
    const h = await startHarness({
      workers: false,
      jira: { issues: 10, seed: 97 },
      linear: { issues: 10, seed: 98 },
    });
    const port = await closedPort();
    const configPath = join(mkdtempSync(join(tmpdir(), 'netvalue-bundle-')), 'config.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({ ...h.config, server: { ...h.config.server, port } }),
    );
    const serve = spawn(process.execPath, [BUNDLE, 'serve', '--config', configPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    serve.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = once(serve, 'exit');
    try {
      // The start-up sync's writes are made by the job thread's workers.
      await Promise.race([
        h.jira.log.waitFor((e) => e.operation === 'edit' && e.status === 204),
        exited.then(() => Promise.reject(new Error(`serve exited: ${stderr.slice(-2000)}`))),
      ]);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(stderr).toContain('"jobs":"thread"');
    } finally {
      serve.kill('SIGTERM');
      await exited;
      await h.close();
    }
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

  it("serve's HTTP thread loads no tracker SDK: its connectors are offline ones", async () => {
    const { register, traceFile } = traceHooks();
    const dist = (path: string) => JSON.stringify(join(ROOT, 'dist', path));
    const script = `for (const m of [${dist('src/main.js')}, ${dist('src/cli/http.js')}, ${dist('src/cli/serve.js')}]) await import(m);
const { loadConfig } = await import(${dist('src/config.js')});
const { offlineConnectors } = await import(${dist('src/main.js')});
const config = loadConfig(${JSON.stringify(join(ROOT, 'netvalue.config.example.yaml'))}, ${JSON.stringify(EXAMPLE_ENV)});
const jira = { fields: Object.fromEntries(['value', 'cost', 'netValue', 'rankPosition', 'rank'].map((f) => [f, { id: 'customfield_1', name: f, configured: f }])) };
const linear = { valueGroupIds: new Set(), costGroupIds: new Set(), viewerId: null, groupNamesById: new Map(), teamKeysById: new Map() };
const learned = Object.fromEntries(config.trackers.map((t) => [t.id, t.kind === 'jira' ? jira : linear]));
const connectors = await offlineConnectors(config, Promise.resolve(learned));
console.log([...connectors.values()].map((c) => c.kind).join(','));`;
    const { stdout } = await run(
      'node',
      ['--import', register, '--input-type=module', '-e', script],
      {
        cwd: ROOT,
      },
    );
    expect(stdout.trim()).toBe('jira,linear');
    const loaded = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
    expect(loaded).toContain(`file://${join(ROOT, 'dist/src/cli/http.js')}`);
    expect(loaded.filter((url) => /node_modules\/(jira\.js|@linear\/sdk)\//.test(url))).toEqual([]);
  });
});
