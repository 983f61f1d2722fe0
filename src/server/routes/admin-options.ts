import type { JobsReporter, ServerContext } from '../server-context.js';

/** What every admin route group receives (kept apart from admin.ts so imports stay acyclic). */
export interface AdminRoutesOptions {
  ctx: ServerContext;
  workersRunning: () => boolean;
  jobs?: JobsReporter | undefined;
}
