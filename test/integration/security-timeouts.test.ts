/**
 * Issue 15, section 4, finding 5: a client that trickles its request, or holds an idle connection,
 * is cut off within the configured bounds (against a real listening server, over raw sockets).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerHarness, type ServerHarness } from './server-harness.js';

const REQUEST_TIMEOUT_MS = 1_000;
const KEEP_ALIVE_MS = 500;

/** Resolves with how long the server took to close the socket (ms) and what it answered. */
function closed(socket: Socket, startedAt: number): Promise<{ afterMs: number; answer: string }> {
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  return new Promise((resolve) => {
    socket.once('close', () => resolve({ afterMs: Date.now() - startedAt, answer }));
  });
}

describe('request, connection and keep-alive timeouts', () => {
  let h: ServerHarness;
  let port: number;
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    h = await startServerHarness({
      workers: false,
      jira: { issues: 3 },
      linear: { issues: 3 },
      config: {
        server: {
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          connectionTimeoutMs: 2_000,
          keepAliveTimeoutMs: KEEP_ALIVE_MS,
        },
      },
    });
    const url = new URL(await h.app.listen({ host: '127.0.0.1', port: 0 }));
    port = Number(url.port);
  });
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    await h?.close();
  });

  const open = async (): Promise<Socket> => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined); // a reset is one way of being cut off
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  };

  /** Writes one byte every 200 ms: never idle long enough for an idle timeout. */
  const trickle = (socket: Socket, text: string) => {
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || i >= text.length) return clearInterval(timer);
      socket.write(text[i++] as string);
    }, 200);
    timers.push(timer);
  };

  it('cuts off an unauthenticated POST whose body trickles in', async () => {
    const socket = await open();
    const startedAt = Date.now();
    const done = closed(socket, startedAt);
    socket.write(
      'POST /webhooks/jira/acme-jira HTTP/1.1\r\nHost: localhost\r\n' +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    trickle(socket, 'x'.repeat(999));
    const { afterMs, answer } = await done;
    expect(afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client whose headers trickle in', async () => {
    const socket = await open();
    const startedAt = Date.now();
    const done = closed(socket, startedAt);
    trickle(socket, `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'y'.repeat(200)}`);
    const { afterMs } = await done;
    expect(afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const socket = await open();
    let startedAt = Date.now();
    socket.once('data', () => (startedAt = Date.now()));
    const done = closed(socket, 0);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const { afterMs, answer } = await done;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    // Node keeps the socket up to 1 s past keepAliveTimeout (its keep-alive buffer).
    expect(afterMs - startedAt).toBeLessThan(KEEP_ALIVE_MS + 2_000);
  });
});
