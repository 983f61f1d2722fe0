/**
 * The real process around `runCli`, for bin/netvalue.js: loads `.env`, turns a fatal error into
 * one line and an exit code, and makes sure the process ends once the command has returned, so a
 * supervisor never waits on a process that has given up.
 */
import { ConfigError, EXIT_CONFIG } from '../config/config-error.js';
import { loadDotEnv } from '../config/dotenv.js';
import { processIo } from './output.js';

/** Grace for stdout/stderr to drain before a handle left open is ignored and the process exits. */
const FORCED_EXIT_MS = 2000;

export async function runProcess(argv: string[]): Promise<void> {
  const code = await exitCodeOf(argv);
  process.exitCode = code;
  // Unref'd: a process with nothing left open exits at once; one with a leaked socket or timer
  // (a bug, but not one worth hanging a deployment for) exits after the grace period.
  setTimeout(() => process.exit(code), FORCED_EXIT_MS).unref();
}

async function exitCodeOf(argv: string[]): Promise<number> {
  try {
    loadDotEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    processIo.err(err.message);
    return EXIT_CONFIG;
  }
  // Imported after .env is loaded, so nothing can see the environment without it.
  const { runCli } = await import('./main.js');
  return runCli(argv, processIo, process.env);
}
