/** `netvalue worker`: workers only, for scaling out; stops gracefully on SIGTERM/SIGINT. */
import { startWorkers } from '../../workers/index.js';
import type { Env } from '../config.js';
import { planAfterRescore, rescoreIfSettingsChanged } from '../pipeline/rescore.js';
import { parseFlags, positiveInt } from './args.js';
import { shutdownSignal, withContext } from './context.js';
import { applyHeapPolicy } from './heap-policy.js';
import { lockOptions } from './lock-options.js';
import type { Io } from './output.js';

export async function runWorker(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    concurrency: { type: 'string' },
    'shutdown-timeout-ms': { type: 'string' },
  });
  const heapGrowthPercent = applyHeapPolicy(env);
  // Runs jobs and answers no HTTP: its Redis writes wait for the end of each loop turn.
  const jobsOnly = { coalesce: 'turn' } as const;
  return withContext(
    values.config,
    env,
    io,
    async (ctx) => {
      const concurrency = positiveInt(values.concurrency, '--concurrency', ctx.config.concurrency);
      const workers = startWorkers(ctx, { concurrency, ...lockOptions(env) });
      if (await rescoreIfSettingsChanged(ctx)) await planAfterRescore(ctx);
      ctx.logger.info(
        { concurrency, trackers: ctx.config.trackers.map((t) => t.id), heapGrowthPercent },
        'worker started',
      );
      const signal = await shutdownSignal();
      ctx.logger.info({ signal }, 'shutting down: finishing running jobs');
      await workers.close(
        positiveInt(values['shutdown-timeout-ms'], '--shutdown-timeout-ms', 10_000),
      );
      return 0;
    },
    jobsOnly,
  );
}
