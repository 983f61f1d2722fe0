/** `netvalue sync [--tracker ID] [--full] [--dry-run] [--json]`: one sync to completion. */
import { startWorkers } from '../../workers/index.js';
import type { Env } from '../config.js';
import { rescoreIfSettingsChanged, SETTINGS_CHANGED } from '../pipeline/rescore.js';
import { runSync, totals } from '../pipeline/sync-run.js';
import type { RunSummary } from '../store/run-store.js';
import { parseFlags, UsageError } from './args.js';
import { withContext } from './context.js';
import type { Io } from './output.js';

export async function runSyncCommand(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    tracker: { type: 'string', multiple: true },
    full: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  return withContext(values.config, env, io, async (ctx) => {
    const known = ctx.config.trackers.map((t) => t.id);
    const trackerIds = values.tracker ?? known;
    const unknown = trackerIds.filter((id) => !known.includes(id));
    if (unknown.length > 0)
      throw new UsageError(
        `unknown tracker ${unknown.join(', ')}; configured: ${known.join(', ')}`,
      );
    const workers = startWorkers(ctx, { concurrency: ctx.config.concurrency });
    try {
      // A settings change is planned by this sync itself: each issue is written once.
      const rescored = await rescoreIfSettingsChanged(ctx);
      const progress =
        values.json || !io.isTty
          ? undefined
          : (s: RunSummary[]) => process.stderr.write(`\r${progressLine(s)}`);
      const summaries = await runSync(
        ctx,
        {
          trackerIds,
          full: values.full ?? false,
          dryRun: values['dry-run'] ?? false,
          ...(rescored ? { reason: SETTINGS_CHANGED } : {}),
        },
        progress,
      );
      if (progress) process.stderr.write('\n');
      const sum = totals(summaries);
      if (values.json) io.out(JSON.stringify(sum, null, 2));
      else io.out(summaryText(sum));
      if (values['dry-run']) {
        const changes = (await Promise.all(summaries.map((s) => ctx.runs.changes(s.runId)))).flat();
        io.out(
          changes.length === 0
            ? '\nDry run: nothing would change.'
            : `\nDry run, would write:\n${changes.map((c) => `  ${c}`).join('\n')}`,
        );
      }
      return sum.failed > 0 ? 1 : 0;
    } finally {
      await workers.close();
    }
  });
}

function progressLine(summaries: RunSummary[]): string {
  const sum = totals(summaries);
  const bar = (n: number, of: number) => {
    const width = 20;
    const filled = of === 0 ? 0 : Math.min(width, Math.round((n / of) * width));
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  const done = summaries.filter((s) => s.status === 'done').length;
  return `${bar(sum.scored + sum.unscored + sum.invalid, sum.pulled)} pulled ${sum.pulled}  scored ${sum.scored}  written ${sum.written}  failed ${sum.failed}  (${done}/${summaries.length} trackers done)`;
}

function summaryText(sum: ReturnType<typeof totals>): string {
  const lines = [
    `pulled ${sum.pulled}, scored ${sum.scored}, unscored ${sum.unscored}, invalid ${sum.invalid}`,
    `written ${sum.written}, unchanged ${sum.unchanged}, rank moves ${sum.moved}, failed ${sum.failed}`,
  ];
  for (const f of sum.failures) lines.push(`  FAILED ${f.trackerId} ${f.key}: ${f.message}`);
  return lines.join('\n');
}
