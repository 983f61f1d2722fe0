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
  | { kind: 'latency'; ms: number }
  /** Transport faults (rendered by `applyTransportFault`, e.g. in a proxy in front of a sandbox). */
  | { kind: 'timeout'; ms: number }
  | { kind: 'reset' }
  /**
   * An answer from something in front of the tracker (a proxy or load balancer): the status with
   * a short text body and none of the tracker's headers (so a 429 carries no Retry-After).
   */
  | { kind: 'bare_status'; status: number };

/** A fault drawn at random with this share of requests (0-1), after the shares above. */
export interface RandomFaultShare {
  share: number;
  fault: Fault;
}

export interface RandomFaults {
  /** Share of requests answered as rate limited (0-1). */
  rateLimitShare?: number;
  /** Share of requests answered 503 (0-1). */
  serverErrorShare?: number;
  retryAfterSec?: number;
  seed?: number;
  /** Further faults, each with its share of requests, drawn after the two shares above. */
  mix?: RandomFaultShare[];
}

/** Decides the fault (if any) for each incoming request: queued one-shot faults first, then random. */
export class FaultInjector {
  private queued: Fault[] = [];
  private queuedFor = new Map<string, Fault[]>();
  private random: (() => number) | null = null;
  private randomFaults: RandomFaults = {};
  private latencyMs = 0;
  /** Faults handed out by `next`, by kind (queued and random alike). */
  readonly injected: Record<string, number> = {};

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
    const fault = this.pick(operation);
    if (fault) this.injected[fault.kind] = (this.injected[fault.kind] ?? 0) + 1;
    return fault;
  }
  /** Faults handed out so far, all kinds together. */
  get injectedTotal(): number {
    return Object.values(this.injected).reduce((sum, n) => sum + n, 0);
  }
  private pick(operation?: string): Fault | null {
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
    let bound = rateLimitShare + (this.randomFaults.serverErrorShare ?? 0);
    if (roll < bound) {
      return { kind: 'server_error', status: 503 };
    }
    for (const { share, fault } of this.randomFaults.mix ?? []) {
      bound += share;
      if (roll < bound) return { ...fault };
    }
    return null;
  }
}

/**
 * Renders a transport fault on a request not yet answered: `reset` destroys the connection at
 * once, `timeout` holds it silent for `ms` and then destroys it, `bare_status` answers the status
 * with a text body and no tracker headers, `latency` waits `ms` and lets the request go on.
 * Returns true when the request was dealt with (nothing more must be written to `res`).
 */
export async function applyTransportFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy();
      return true;
    case 'timeout':
      await sleep(fault.ms);
      req.socket.destroy();
      return true;
    case 'bare_status':
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end(`${fault.status} from the proxy`);
      }
      return true;
    case 'latency':
      await sleep(fault.ms);
      return false;
    default:
      return false;
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
