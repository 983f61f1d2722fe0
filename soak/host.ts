/** The main thread's handle on the soak's sandbox thread (thread.ts). */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface SoakHost {
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function startSoakHost(workerData: unknown): Promise<SoakHost> {
  const worker = new Worker(new URL('./thread-boot.js', import.meta.url), { workerData });
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
  if (!first.ready) throw new Error('soak sandbox thread did not start');
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
