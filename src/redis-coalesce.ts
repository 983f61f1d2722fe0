/**
 * Commands sent to Redis together leave in one socket write. ioredis writes each command (and each
 * MULTI) to the socket as it is made, one system call apiece; under load a turn of the event loop
 * makes dozens, and each write also wakes Redis for a read of its own. Corking the socket until a
 * flush sends them together, in the order they were made, so replies and transactions are
 * unchanged (README "Performance").
 *
 * When to flush is the caller's choice (`CoalesceMode`): once per turn of the event loop is fewest
 * writes (a full sync's Redis reads fell from 13,000 to 4,700, 8,000 when flushing per callback),
 * but a command made early in a turn waits for the turn's other callbacks: in `serve`'s HTTP thread
 * the webhook ack p99 was 26-55 ms that way against 25-27 ms per callback (four runs each). So only
 * threads that run jobs alone wait for the turn.
 */
import type { Socket } from 'node:net';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './store/redis-client.js';

type Write = Socket['write'];

/**
 * 'callback': flush when the current callback and its synchronous work end (process.nextTick), for
 * a thread that answers HTTP. 'turn': flush once the event loop's turn has run its I/O callbacks
 * (setImmediate), for a thread that only runs jobs.
 */
export type CoalesceMode = 'callback' | 'turn';

/** Marks sockets already corking, so a reconnect's 'connect' patches each socket once. */
const patched = new WeakSet<Socket>();

function coalesceSocket(socket: Socket, mode: CoalesceMode): void {
  if (patched.has(socket)) return;
  patched.add(socket);
  const write: Write = socket.write.bind(socket);
  let corked = false;
  const flush = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: Parameters<Write>) => {
    if (!corked) {
      corked = true;
      socket.cork();
      if (mode === 'turn') setImmediate(flush);
      else process.nextTick(flush);
    }
    return write(...args);
  }) as Write;
}

function coalesceNode(redis: Redis, mode: CoalesceMode): void {
  const patch = (): void => {
    // Typed as always there, but ioredis sets it only once it connects.
    const socket: Socket | undefined = redis.stream;
    if (socket) coalesceSocket(socket, mode);
  };
  patch();
  // Each reconnect opens a new socket.
  redis.on('connect', patch);
}

/** Makes `redis` (each node's connection, on a cluster) write what it was asked together. */
export function coalesceWrites(redis: RedisClient, mode: CoalesceMode): void {
  if (redis instanceof Cluster) {
    for (const node of redis.nodes()) coalesceNode(node, mode);
    redis.on('+node', (node: Redis) => coalesceNode(node, mode));
  } else {
    coalesceNode(redis, mode);
  }
}
