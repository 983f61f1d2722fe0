import type { Env } from '../config.js';
import { createContext, type AppContext, type ContextOptions } from '../main.js';
import { loadConfigOrReport } from './load-config.js';
import type { Io } from './output.js';

export { loadConfigOrReport } from './load-config.js';

/** Config problems exit 2 (README "Commands"); anything else that stops a command exits 1. */
export { EXIT_CONFIG } from '../config/config-error.js';

/** Loads config, builds the context, runs `fn`, and always closes what it opened. */
export async function withContext(
  flag: string | undefined,
  env: Env,
  io: Io,
  fn: (ctx: AppContext) => Promise<number>,
  options: ContextOptions = {},
): Promise<number> {
  const config = loadConfigOrReport(flag, env, io);
  if (typeof config === 'number') return config;
  const ctx = await createContext(config, options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
