/**
 * Keys written by the single-hash-tag layout are moved to one tag per tracker when a process
 * starts: nothing the deployment held is lost, and the move happens once.
 */
import { describe, expect, it } from 'vitest';
import { createContext, createLogger } from '../../src/main.js';
import { migratedName } from '../../src/store/migrate-layout.js';
import { redisKeys } from '../../src/store/keys.js';
import { snapshot, toOldLayout } from './old-layout.js';
import { startHarness } from './pipeline-harness.js';
import { syncAll } from './server-harness.js';

describe('layout migration', () => {
  it('moves every key of an old deployment to its tracker tag at start, and the state reads the same', async () => {
    const h = await startHarness({
      jira: { issues: 40, seed: 401 },
      linear: { issues: 40, seed: 402 },
    });
    try {
      await syncAll(h);
      // A write job waiting in a tracker's queue is part of what the deployment holds.
      const waiting = await h.ctx.queues
        .tracker('acme-jira')
        .add(
          'write',
          { trackerId: 'acme-jira', runId: null, issueIds: ['none'] },
          { delay: 3_600_000 },
        );
      await h.workers?.close();
      h.workers = null;
      const before = await snapshot(h.ctx.redis, h.prefix);
      const ranking = (await h.ctx.store.rankingAll()).map(({ rank, record }) => [
        rank,
        record.key,
      ]);

      const moved = await toOldLayout(h.ctx.redis, h.prefix);
      expect(moved).toBeGreaterThan(20);
      const old = await snapshot(h.ctx.redis, h.prefix);
      expect([...old.keys()].filter((k) => k.startsWith(`{${h.prefix}:`))).toEqual([]);
      expect(old.has(`{${h.prefix}}:ranking`)).toBe(true);

      const logs: string[] = [];
      const sink = { write: (line: string) => logs.push(line) } as unknown as NodeJS.WritableStream;
      const started = await createContext(h.config, {
        connectors: h.ctx.connectors,
        logger: createLogger(h.config, sink),
      });
      try {
        expect(await snapshot(started.redis, h.prefix)).toEqual(before);
        expect(
          (await started.store.rankingAll()).map(({ rank, record }) => [rank, record.key]),
        ).toEqual(ranking);
        expect(await started.queues.tracker('acme-jira').getJob(waiting.id ?? '')).toBeDefined();
        expect(logs.join('')).toContain('to one hash tag per tracker');
      } finally {
        await started.close();
      }
      // Started again: nothing to move, nothing logged.
      const logsAgain: string[] = [];
      const sinkAgain = {
        write: (l: string) => logsAgain.push(l),
      } as unknown as NodeJS.WritableStream;
      const again = await createContext(h.config, {
        connectors: h.ctx.connectors,
        logger: createLogger(h.config, sinkAgain),
      });
      await again.close();
      expect(logsAgain.join('')).not.toContain('hash tag per tracker');
      expect(await snapshot(h.ctx.redis, h.prefix)).toEqual(before);
    } finally {
      await h.close();
    }
  });

  it('names each old key after its tracker and leaves deployment-wide keys alone', () => {
    const keys = redisKeys('p');
    expect(
      [
        '{p}:issues:acme-jira',
        '{p}:ranking',
        '{p}:audit',
        '{p}:audit:acme-jira:10001',
        '{p}:wlock:acme-jira:10001:sending',
        '{p}:rate:acme-jira',
        '{p}:rate:acme-jira:pause',
        '{p}:delivery:acme-linear:abc:def',
        '{p}:history:acme-jira:10001',
        '{p}:history-backlog:*',
        '{p}:history-backlog:acme-jira',
        '{p}:run:acme-jira-x-1:pages',
        '{p}:tracker-acme-jira:wait',
        '{p}:tracker-acme-jira:42',
        '{p}:score:wait',
        '{p}:settings',
      ].map((k) => migratedName(keys, k)),
    ).toEqual([
      '{p:acme-jira}:issues',
      null,
      null,
      '{p:acme-jira}:audit:10001',
      '{p:acme-jira}:wlock:10001:sending',
      '{p:acme-jira}:rate',
      '{p:acme-jira}:rate:pause',
      '{p:acme-linear}:delivery:abc:def',
      '{p:acme-jira}:history:10001',
      null,
      '{p:acme-jira}:history-backlog',
      null,
      '{p:acme-jira}:tracker-acme-jira:wait',
      '{p:acme-jira}:tracker-acme-jira:42',
      null,
      null,
    ]);
  });
});
