/** Loads the config for a command, or reports why it cannot (exit 2): no service is loaded. */
import { ConfigError, EXIT_CONFIG, loadConfig, type Config, type Env } from '../config.js';
import type { Io } from './output.js';

export function loadConfigOrReport(
  flag: string | undefined,
  env: Env,
  io: Io,
): Readonly<Config> | number {
  try {
    return loadConfig(flag, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT_CONFIG;
    }
    throw err;
  }
}
