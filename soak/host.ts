/** The main thread's handle on the soak's sandbox thread (thread.ts): the bench's thread host. */
import { startThreadHost, type SandboxHost } from '../bench/sandbox-host.js';

export type SoakHost = SandboxHost;

export function startSoakHost(workerData: unknown): Promise<SoakHost> {
  return startThreadHost(new URL('./thread-boot.js', import.meta.url), workerData);
}
