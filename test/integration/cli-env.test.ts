/**
 * Where variables come from: the environment, then `./.env` (the environment wins), and an unset
 * one is a config error naming the variable and the key (exit 2), never a quiet placeholder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedPort, minimalConfig, runNetvalue } from './cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'netvalue-env-'));
let redisPort: number;

beforeAll(async () => {
  redisPort = await closedPort();
});

/** A working directory with this config and, when given, this .env. */
function workdir(name: string, config: string, dotenv?: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'netvalue.config.yaml'), config);
  if (dotenv !== undefined) writeFileSync(join(dir, '.env'), dotenv);
  return dir;
}

describe('config variables', () => {
  it('names an unset variable and the key that uses it (exit 2)', async () => {
    const config = minimalConfig().replace('not-a-real-token', '${NV_TEST_UNSET_VAR}');
    const run = await runNetvalue(['check'], {
      cwd: workdir('unset', config),
      env: { NV_TEST_UNSET_VAR: undefined },
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'trackers[0].apiToken: environment variable NV_TEST_UNSET_VAR is not set',
    );
  });

  it('reads variables from ./.env', async () => {
    const dotenv = [
      '# as in .env.example',
      'NV_TEST_DOTENV_PREFIX=from-dotenv',
      `REDIS_URL=redis://127.0.0.1:${redisPort}`,
    ].join('\n');
    const dir = workdir('dotenv', minimalConfig(['redisPrefix: ${NV_TEST_DOTENV_PREFIX}']), dotenv);
    const run = await runNetvalue(['check'], {
      cwd: dir,
      env: { NV_TEST_DOTENV_PREFIX: undefined, REDIS_URL: undefined },
    });
    expect(run.stdout, run.stderr).toContain("redis prefix 'from-dotenv'");
    expect(run.stdout).toContain(`cannot reach Redis at redis://127.0.0.1:${redisPort}:`);
  });

  it('lets a variable set in the environment win over ./.env', async () => {
    const dir = workdir(
      'precedence',
      minimalConfig(['redisPrefix: ${NV_TEST_DOTENV_PREFIX}']),
      `NV_TEST_DOTENV_PREFIX=from-dotenv\nREDIS_URL=redis://127.0.0.1:${redisPort}\n`,
    );
    const run = await runNetvalue(['check'], {
      cwd: dir,
      env: { NV_TEST_DOTENV_PREFIX: 'from-env', REDIS_URL: undefined },
    });
    expect(run.stdout, run.stderr).toContain("redis prefix 'from-env'");
  });

  it('reports a .env it cannot read as a config problem (exit 2)', async () => {
    const dir = workdir('unreadable', minimalConfig());
    mkdirSync(join(dir, '.env'));
    const run = await runNetvalue(['check'], { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /\.env: 1 problem in the config\n {2}- \(top level\): cannot load this \.env file: /,
    );
  });
});
