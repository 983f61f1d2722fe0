import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from './pipeline-harness.js';

const BIN = new URL('../../bin/netvalue.js', import.meta.url).pathname;
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await redis.quit();
});

describe('netvalue demo --once', () => {
  it('prints the ranking with the performance work above the login feature, and leaves nothing behind', async () => {
    const child = spawn(process.execPath, [BIN, 'demo', '--once'], {
      env: { ...process.env, REDIS_URL },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);

    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^rank\s+tracker\s+key\s+title\s+value\s+cost\s+net value\s+P10 to P90, chance\s+status$/,
    );
    // A few issues carry three-point estimates: their risk figures show.
    expect(lines.some((l) => / -?\$[\d,.]+ to -?\$[\d,.]+, \d+% > \$0 /.test(l))).toBe(true);
    const performance = lines.findIndex((l) => l.includes('Optimize application performance'));
    const login = lines.findIndex((l) => l.includes('Implement a new user login feature'));
    expect(performance).toBeGreaterThan(0);
    expect(login).toBeGreaterThan(performance);
    expect(lines[performance]).toMatch(/\$7,000\/mo\s+\$2,500\s+\$4,500\s+scored/);
    expect(lines[login]).toMatch(/\$5,000\/mo\s+\$2,000\s+\$3,000\s+scored/);
    const rows = lines.filter((l) => /^\s+\d+\s+demo-(jira|linear)\s/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(
      rows.some((l) => l.includes('demo-jira')) && rows.some((l) => l.includes('demo-linear')),
    ).toBe(true);

    // No Redis key left under the demo's prefix, and the process (with its sandboxes) is gone.
    const prefix = /key prefix (\{[^}]+\})/.exec(stderr)?.[1];
    expect(prefix).toBeDefined();
    const left: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix ?? ''}*`, 'COUNT', 1000);
      left.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(left).toEqual([]);
    expect(child.exitCode).toBe(0);
  });
});
