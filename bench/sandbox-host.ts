/** The main thread's handle on the sandboxes running in sandbox-thread.ts. */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface SandboxHost {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function startSandboxHost(
  issuesPerTracker: number,
  seed: number,
): Promise<SandboxHost> {
  return startThreadHost(new URL('./sandbox-thread-boot.js', import.meta.url), {
    issuesPerTracker,
    seed,
  });
}

/**
 * Starts a worker thread that answers `{ id, method, args }` messages with `{ id, result | error }`
 * after a first `{ ready: true }` (the bench's and the soak's sandbox threads).
 */
export async function startThreadHost(boot: URL, workerData: unknown): Promise<SandboxHost> {
  const worker = new Worker(boot, { workerData });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on('message', (msg: { id?: number; result?: unknown; error?: string }) => {
    const waiter = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!waiter || msg.id === undefined) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) waiter.reject(new Error(msg.error));
    else waiter.resolve(msg.result);
  });
  const [first] = (await once(worker, 'message')) as [{ ready?: boolean }];
  if (!first.ready) throw new Error(`sandbox thread ${boot.pathname} did not start`);
  const call = <T>(method: string, ...args: unknown[]): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args });
    });
  };
  return {
    call,
    async close() {
      const exited = once(worker, 'exit');
      await call('close').catch(() => undefined);
      await exited;
    },
  };
}
