/** The `netvalue` command line. Each command lives in its own file and returns an exit code. */
import type { Env } from '../config.js';
import { UsageError } from './args.js';
import { processIo, type Io } from './output.js';

type Command = (argv: string[], io: Io, env: Env) => Promise<number>;

/**
 * Each command's module is loaded when it runs: `--help` loads none of them (no fastify, BullMQ
 * or tracker SDK), and a command loads only what it needs.
 */
function lazy<M>(load: () => Promise<M>, pick: (module: M) => Command): Command {
  return async (argv, io, env) => pick(await load())(argv, io, env);
}

/** Production images ship without the sandboxes and src/demo (see .dockerignore). */
const DEMO_MISSING =
  'the demo is not part of the production image; run it from a clone: npm ci && npm run demo';

/**
 * The demo is the only command that needs the sandboxes, so it is loaded on use: every other
 * command works in an image that leaves out connectors/<tracker>/sandbox, connectors/sandbox-kit
 * and src/demo.
 */
async function runDemoLazily(argv: string[], io: Io, env: Env): Promise<number> {
  let runDemo: Command;
  try {
    ({ runDemo } = await import('./demo.js'));
  } catch (err) {
    if (isMissingDemoModule(err)) {
      io.err(`netvalue demo: ${DEMO_MISSING}`);
      return 1;
    }
    throw err;
  }
  return runDemo(argv, io, env);
}

function isMissingDemoModule(err: unknown): boolean {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') {
    return false;
  }
  return /[\\/](sandbox|sandbox-kit|demo)[\\/]|[\\/]demo\.[jt]s\b/.test(err.message);
}

const COMMANDS: Record<string, { run: Command; usage: string; summary: string }> = {
  serve: {
    run: lazy(
      () => import('./serve.js'),
      (m) => m.runServe,
    ),
    usage: 'serve [--jobs thread|inline]',
    summary: 'HTTP server, workers and scheduler in one process (starts with a sync)',
  },
  sync: {
    run: lazy(
      () => import('./sync.js'),
      (m) => m.runSyncCommand,
    ),
    usage: 'sync [--tracker ID] [--full] [--dry-run] [--json]',
    summary: 'one sync to completion, then a summary; exit 1 if anything failed',
  },
  worker: {
    run: lazy(
      () => import('./worker.js'),
      (m) => m.runWorker,
    ),
    usage: 'worker [--concurrency N]',
    summary: 'workers only, to scale out (run many)',
  },
  ranking: {
    run: lazy(
      () => import('./ranking.js'),
      (m) => m.runRanking,
    ),
    usage: 'ranking [--limit N] [--json]',
    summary: 'the unified ranking from stored state: the first N (default 50) of all issues',
  },
  plan: {
    run: lazy(
      () => import('./plan.js'),
      (m) => m.runPlan,
    ),
    usage: 'plan [--tracker ID] [--json]',
    summary: 'the pending plans of trackers in review mode (writes waiting for approval)',
  },
  approve: {
    run: lazy(
      () => import('./approve.js'),
      (m) => m.runApprove,
    ),
    usage: 'approve --tracker ID [--keys K1,K2] [--json]',
    summary: "approve a review-mode tracker's pending writes (all, or these issue keys)",
  },
  review: {
    run: lazy(
      () => import('./review.js'),
      (m) => m.runReview,
    ),
    usage: 'review [--since 7d] [--top 20] [--tracker ID] [--json|--markdown]',
    summary: 'the backlog review: technical/product share of the top N, movers, needs input',
  },
  demo: {
    run: runDemoLazily,
    usage: 'demo [--once] [--port N] [--issues N]',
    summary: 'sandbox Jira + Linear, a full sync, the ranking, then the dashboard',
  },
  check: {
    run: lazy(
      () => import('./check.js'),
      (m) => m.runCheck,
    ),
    usage: 'check',
    summary: 'validate config and secrets, check Redis, reach every tracker, confirm fields',
  },
};

export function helpText(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'netvalue: rank every Jira and Linear issue by net value ($ = Value - Cost) and write it back.',
    '',
    'Usage: netvalue <command> [options] [--config PATH]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Config: --config PATH, else NETVALUE_CONFIG, else ./netvalue.config.yaml',
    '(see netvalue.config.example.yaml). Exit codes: 0 ok, 1 failures, 2 bad config or usage.',
  ].join('\n');
}

export async function runCli(
  argv: string[],
  io: Io = processIo,
  env: Env = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: netvalue ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest, io, env);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\nUsage: netvalue ${command.usage}`);
      return 2;
    }
    io.err(`netvalue ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
