/** `netvalue sync [--tracker ID] [--full] [--dry-run] [--json]`: one sync to completion. */
import { startWorkers } from '../../workers/index.js';
import type { Config, Env } from '../config.js';
import { createLogger, type AppContext } from '../main.js';
import { rescoreIfSettingsChanged, SETTINGS_CHANGED } from '../pipeline/rescore.js';
import { runSync, totals } from '../pipeline/sync-run.js';
import type { RunSummary } from '../store/run-store.js';
import { parseFlags, UsageError } from './args.js';
import { withContext } from './context.js';
import { needInputText, ProgressLine, statusText, type Io } from './output.js';

type LogLevel = Config['logLevel'];
const LOG_LEVELS: readonly LogLevel[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];
const quietness = (level: LogLevel): number => LOG_LEVELS.indexOf(level);

/**
 * How `sync` shows its progress (README "Commands"). The progress bar and the JSON log lines
 * share stderr, so the bar is drawn only on a terminal (never with --json), and while it draws the
 * log says only what needs attention: its level is raised to `warn` (each warning or error is
 * written on its own line above the bar). Asking for more keeps the log and turns the bar off:
 * `NETVALUE_LOG_LEVEL` (this command's level, whatever the config says) or a config `logLevel`
 * of `debug` or `trace`. Off a terminal the log keeps its level and there is no bar.
 */
export function syncOutput(options: {
  isTty: boolean;
  json: boolean;
  logLevel: LogLevel;
  /** NETVALUE_LOG_LEVEL, when set. */
  envLevel?: string | undefined;
}): { bar: boolean; logLevel: LogLevel } {
  const env = options.envLevel?.trim() || undefined;
  if (env !== undefined && !LOG_LEVELS.includes(env as LogLevel))
    throw new UsageError(
      `NETVALUE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got '${env}'`,
    );
  const envLevel = env as LogLevel | undefined;
  if (!options.isTty || options.json) return { bar: false, logLevel: envLevel ?? options.logLevel };
  const asked =
    envLevel ?? (quietness(options.logLevel) < quietness('info') ? options.logLevel : undefined);
  if (asked !== undefined) return { bar: quietness(asked) >= quietness('warn'), logLevel: asked };
  return {
    bar: true,
    logLevel: quietness(options.logLevel) >= quietness('warn') ? options.logLevel : 'warn',
  };
}

export async function runSyncCommand(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    tracker: { type: 'string', multiple: true },
    full: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const json = values.json ?? false;
  const dryRun = values['dry-run'] ?? false;
  const envLevel = env['NETVALUE_LOG_LEVEL'];
  // Validated before anything starts; the config's level is known only once it is loaded.
  const maybeBar = syncOutput({ isTty: io.isTty, json, logLevel: 'info', envLevel }).bar;
  const line = maybeBar ? new ProgressLine() : null;
  return withContext(
    values.config,
    env,
    io,
    async (ctx) => {
      const known = ctx.config.trackers.map((t) => t.id);
      const trackerIds = values.tracker ?? known;
      const unknown = trackerIds.filter((id) => !known.includes(id));
      if (unknown.length > 0)
        throw new UsageError(
          `unknown tracker ${unknown.join(', ')}; configured: ${known.join(', ')}`,
        );
      const output = syncOutput({ isTty: io.isTty, json, logLevel: ctx.config.logLevel, envLevel });
      ctx.logger.level = output.logLevel;
      const bar = output.bar ? line : null;
      const workers = startWorkers(ctx, { concurrency: ctx.config.concurrency });
      try {
        // A settings change is planned by this sync itself: each issue is written once.
        const rescored = await rescoreIfSettingsChanged(ctx);
        const summaries = await runSync(
          ctx,
          {
            trackerIds,
            full: values.full ?? false,
            dryRun,
            ...(rescored ? { reason: SETTINGS_CHANGED } : {}),
          },
          bar ? (s) => bar.draw(progressLine(s)) : undefined,
        );
        bar?.end();
        const sum = totals(summaries);
        const reports = dryRun ? await Promise.all(summaries.map((s) => dryRunReport(ctx, s))) : [];
        if (json) io.out(JSON.stringify(dryRun ? { ...sum, dryRun: reports } : sum, null, 2));
        else {
          io.out(summaryText(sum));
          if (dryRun) io.out(dryRunText(reports));
        }
        return sum.failed > 0 ? 1 : 0;
      } finally {
        bar?.end();
        await workers.close();
      }
    },
    // Runs jobs and answers no HTTP: its Redis writes wait for the end of each loop turn.
    {
      coalesce: 'turn',
      ...(line ? { logger: createLogger({ logLevel: 'warn' }, line.logStream()) } : {}),
    },
  );
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
    `pulled ${sum.pulled}, scored ${sum.scored}, ${needInputText(sum.unscored, sum.invalid)}`,
    `written ${sum.written}, unchanged ${sum.unchanged}, rank moves ${sum.moved}, failed ${sum.failed}`,
  ];
  for (const f of sum.failures) lines.push(`  FAILED ${f.trackerId} ${f.key}: ${f.message}`);
  return lines.join('\n');
}

/** What a dry run of one tracker would do (`sync --dry-run`; under `dryRun` with --json). */
export interface DryRunReport {
  trackerId: string;
  /** Values that would be written (each changed field of each issue counts one). */
  values: number;
  /** Issues that would get a write. */
  issues: number;
  /** Issues the plan would move in the tracker's order. */
  moves: number;
  /** Stored issues of the tracker that are unscored or invalid, and why. */
  needsInput: { key: string; status: 'unscored' | 'invalid'; reason: string }[];
  /** The plan's lines: `<tracker> <key>: field from -> to, ...` and `<tracker> rank: ...`. */
  changes: string[];
}

/** A JSON string in a change line (so that ` -> ` inside a note is not taken for a change). */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;

async function dryRunReport(ctx: AppContext, run: RunSummary): Promise<DryRunReport> {
  const [changes, records] = await Promise.all([
    ctx.runs.changes(run.runId),
    ctx.store.all(run.trackerId),
  ]);
  const issueLines = changes.filter((l) => !l.startsWith(`${run.trackerId} rank: `));
  const values = issueLines.reduce(
    (n, l) => n + l.replace(JSON_STRING, '""').split(' -> ').length - 1,
    0,
  );
  const needsInput = records
    .flatMap((r) =>
      r.result.status === 'scored'
        ? []
        : [{ key: r.key, status: r.result.status, reason: r.result.reason }],
    )
    .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
  return {
    trackerId: run.trackerId,
    values,
    issues: issueLines.length,
    moves: run.moved,
    needsInput,
    changes,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function dryRunText(reports: readonly DryRunReport[]): string {
  const lines = ['', 'Dry run: nothing was written.'];
  for (const r of reports) {
    lines.push(
      `${r.trackerId}: would write ${plural(r.values, 'value')} on ${plural(r.issues, 'issue')} ` +
        `and move ${plural(r.moves, 'issue')}`,
    );
    if (r.needsInput.length > 0) {
      const count = (s: string) => r.needsInput.filter((n) => n.status === s).length;
      lines.push(`  ${needInputText(count('unscored'), count('invalid'))}:`);
      for (const n of r.needsInput) lines.push(`    ${n.key} ${statusText(n.status, n.reason)}`);
    }
    if (r.changes.length > 0) {
      lines.push('  changes:');
      for (const c of r.changes) lines.push(`    ${c}`);
    }
  }
  return lines.join('\n');
}
