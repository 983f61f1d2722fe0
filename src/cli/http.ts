/** The HTTP server of `serve` and the demo, listening on the configured address. */
import type { PipelineContext } from '../pipeline/context.js';
import { buildServer } from '../server/build-server.js';
import type { JobsReporter } from '../server/server-context.js';

export interface RunningHttp {
  url: string;
  close(): Promise<void>;
}

/** Listens on `server.host:port`; throws one line (`cannot listen on ...`) with nothing left open. */
export async function startHttp(
  ctx: PipelineContext,
  workersRunning: () => boolean,
  jobs?: JobsReporter,
): Promise<RunningHttp> {
  const { host, port } = ctx.config.server;
  const app = await buildServer({ ctx, workersRunning, ...(jobs ? { jobs } : {}) });
  try {
    const address = await app.listen({ host, port });
    return { url: address.replace('[::1]', 'localhost'), close: () => app.close() };
  } catch (err) {
    await app.close();
    throw new Error(`cannot listen on ${host}:${port}: ${listenReason(err)}`, { cause: err });
  }
}

function listenReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return 'address in use';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'no such address on this machine';
  return err instanceof Error ? err.message : String(err);
}
