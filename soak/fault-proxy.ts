/**
 * A loopback HTTP proxy in front of a sandbox, as a load balancer in front of a tracker: it draws
 * transport faults (connection resets, timeouts, latency spikes, bare 429s without Retry-After and
 * 502s) from its own FaultInjector and forwards everything else. Before forwarding a request it
 * asks `before(request)` what the tracker holds (so each write can be compared with the value held
 * just before it), and tells `after(...)` how the tracker answered.
 */
import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import {
  applyTransportFault,
  FaultInjector,
  listenLoopback,
  readBody,
  type RunningServer,
} from '../connectors/sandbox-kit/index.js';

export interface ProxiedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface FaultProxy extends RunningServer {
  faults: FaultInjector;
  /** Requests forwarded to the sandbox (not answered by a fault). */
  forwarded: number;
  requests: number;
}

export async function startFaultProxy<T>(
  target: string,
  hooks: {
    before: (req: ProxiedRequest) => T;
    after: (req: ProxiedRequest, status: number, state: T) => void;
  },
): Promise<FaultProxy> {
  const faults = new FaultInjector();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const upstream = new URL(target);
  const proxy = {
    faults,
    forwarded: 0,
    requests: 0,
  };
  const server = await listenLoopback((req, res) => {
    void (async () => {
      proxy.requests++;
      const raw = await readBody(req).catch(() => Buffer.alloc(0));
      const fault = faults.next();
      if (fault && (await applyTransportFault(fault, req, res))) return;
      if (req.socket.destroyed) return;
      let body: unknown;
      try {
        body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : null;
      } catch {
        body = null;
      }
      const info: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body };
      const state = hooks.before(info);
      proxy.forwarded++;
      const headers = { ...req.headers, host: upstream.host };
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (answer: IncomingMessage) => {
          void (async () => {
            const text = await readBody(answer).catch(() => Buffer.alloc(0));
            hooks.after(info, answer.statusCode ?? 0, state);
            if (res.destroyed) return;
            const h = { ...answer.headers };
            delete h['transfer-encoding'];
            delete h['connection'];
            h['content-length'] = String(text.length);
            res.writeHead(answer.statusCode ?? 502, h);
            res.end(text);
          })();
        },
      );
      out.on('error', () => {
        if (!res.headersSent && !res.destroyed) res.writeHead(502).end('upstream error');
      });
      out.end(raw);
    })();
  });
  return Object.assign(proxy, {
    url: server.url,
    port: server.port,
    close: async () => {
      agent.destroy();
      await server.close();
    },
  });
}
