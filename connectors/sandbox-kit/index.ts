/**
 * Shared parts of the connectors' sandboxes: a loopback HTTP server on a free port, a request log
 * tests can await, and faults on demand. Each sandbox renders faults in its tracker's own shapes.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from './backlog.js';

export type Fault =
  | { kind: 'rate_limit'; retryAfterSec: number }
  | { kind: 'server_error'; status: number }
  | { kind: 'latency'; ms: number };

export interface RandomFaults {
  /** Share of requests answered as rate limited (0-1). */
  rateLimitShare?: number;
  /** Share of requests answered 503 (0-1). */
  serverErrorShare?: number;
  retryAfterSec?: number;
  seed?: number;
}

/** Decides the fault (if any) for each incoming request: queued one-shot faults first, then random. */
export class FaultInjector {
  private queued: Fault[] = [];
  private queuedFor = new Map<string, Fault[]>();
  private random: (() => number) | null = null;
  private randomFaults: RandomFaults = {};
  private latencyMs = 0;

  /** The next requests get these faults, one each, in order. */
  enqueue(...faults: Fault[]): void {
    this.queued.push(...faults);
  }
  /** The next requests of this operation (e.g. `rank`) get these faults, one each, in order. */
  enqueueFor(operation: string, ...faults: Fault[]): void {
    this.queuedFor.set(operation, [...(this.queuedFor.get(operation) ?? []), ...faults]);
  }
  /** Every request waits this long before it is answered. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  setRandom(faults: RandomFaults): void {
    this.randomFaults = faults;
    this.random = seededRandom(faults.seed ?? 7);
  }
  clear(): void {
    this.queued = [];
    this.queuedFor.clear();
    this.random = null;
    this.latencyMs = 0;
  }
  get latency(): number {
    return this.latencyMs;
  }
  /** The fault for a request; `operation` (when the sandbox knows it) picks `enqueueFor` faults. */
  next(operation?: string): Fault | null {
    const forOperation =
      operation === undefined ? undefined : this.queuedFor.get(operation)?.shift();
    if (forOperation) return forOperation;
    const queued = this.queued.shift();
    if (queued) return queued;
    if (!this.random) return null;
    const roll = this.random();
    const rateLimitShare = this.randomFaults.rateLimitShare ?? 0;
    if (roll < rateLimitShare) {
      return { kind: 'rate_limit', retryAfterSec: this.randomFaults.retryAfterSec ?? 1 };
    }
    if (roll < rateLimitShare + (this.randomFaults.serverErrorShare ?? 0)) {
      return { kind: 'server_error', status: 503 };
    }
    return null;
  }
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Parsed JSON body, or null. */
  body: unknown;
  /** HTTP status the sandbox answered. */
  status: number;
  atMs: number;
  /** Sandbox-specific label, e.g. `search`, `edit`, `rank`, or a GraphQL operation name. */
  operation: string;
}

/** Every request a sandbox answered, in order; `waitFor` resolves when a matching one arrives. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private readonly events = new EventEmitter();

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    this.events.emit('request', entry);
  }
  clear(): void {
    this.entries.length = 0;
  }
  count(predicate: (entry: LoggedRequest) => boolean): number {
    return this.entries.filter(predicate).length;
  }
  /** Resolves once `count(predicate) >= n`, without polling. */
  async waitFor(predicate: (entry: LoggedRequest) => boolean, n = 1): Promise<void> {
    while (this.count(predicate) < n) await once(this.events, 'request');
  }
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port unless one is given). */
export async function listenLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<RunningServer> {
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Reads a whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
