/**
 * `netvalue demo [--once]`: the main job on the embedded default. Starts both sandboxes and a
 * Redis, runs a full sync, prints the unified ranking, then serves until Ctrl-C (`--once` exits).
 */
import { startWorkers } from '../../workers/index.js';
import type { Env } from '../config.js';
import { NoRedisError } from '../demo/local-redis.js';
import { startDemo } from '../demo/demo-deployment.js';
import { createContext, createLogger } from '../main.js';
import { rankingItem } from '../pipeline/ranking-view.js';
import { runSync, totals } from '../pipeline/sync-run.js';
import { parseFlags, positiveInt } from './args.js';
import { shutdownSignal } from './context.js';
import type { Io } from './output.js';
import { rankingTable } from './ranking.js';
import { startHttp } from './http.js';

export async function runDemo(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    once: { type: 'boolean' },
    port: { type: 'string' },
    issues: { type: 'string' },
  });
  let demo;
  try {
    demo = await startDemo({
      redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      issuesPerTracker: positiveInt(values.issues, '--issues', 30),
      port: values.port === undefined ? 0 : positiveInt(values.port, '--port', 3000),
      logLevel: 'warn',
    });
  } catch (err) {
    if (err instanceof NoRedisError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const ctx = await createContext(demo.config, { logger: createLogger(demo.config) });
  const workers = startWorkers(ctx, { concurrency: ctx.config.concurrency });
  try {
    io.err(
      `Sandboxes: Jira ${demo.jira.url}, Linear ${demo.linear.url}; Redis ${demo.redis.url}` +
        `${demo.redis.process ? ' (private, started for the demo)' : ''}, key prefix {${demo.config.redisPrefix}}`,
    );
    io.err('Running a full sync of both trackers...');
    const sum = totals(
      await runSync(ctx, {
        trackerIds: ctx.config.trackers.map((t) => t.id),
        full: true,
        dryRun: false,
      }),
    );
    const items = (await ctx.store.rankingAll()).map(({ rank, record }) =>
      rankingItem(rank, record),
    );
    io.out(rankingTable(items));
    io.out(
      `\n${sum.pulled} issues pulled, ${sum.scored} scored, ${sum.unscored + sum.invalid} need input; ` +
        `${sum.written} values written, ${sum.moved} rank moves, ${sum.failed} failed.`,
    );
    if (values.once) return sum.failed > 0 ? 1 : 0;

    const http = await startHttp(ctx, () => true);
    const base = http.url;
    io.out(
      [
        '',
        `Dashboard:  ${base}/`,
        `Ranking:    curl -H 'Authorization: Bearer ${ctx.config.adminToken ?? ''}' ${base}/admin/ranking`,
        `Status:     ${base}/admin/status   Metrics: ${base}/metrics   API docs: ${base}/docs/json`,
        `Admin token: ${ctx.config.adminToken ?? ''}  (generated for this demo run)`,
        'Press Ctrl-C to stop; the demo removes its Redis keys and sandboxes on exit.',
      ].join('\n'),
    );
    await shutdownSignal();
    await http.close();
    return 0;
  } finally {
    await workers.close();
    await ctx.close();
    await demo.stop();
  }
}
