/**
 * Commands sent to Redis in one turn of the event loop leave in one socket write. ioredis writes
 * each command (and each MULTI) to the socket as it is made, one system call apiece; under load a
 * turn makes dozens, and each write also wakes Redis for a read of its own. Corking the socket
 * until the turn ends sends them together, in the order they were made, so replies and
 * transactions are unchanged (README "Performance").
 */
import type { Socket } from 'node:net';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './store/redis-client.js';

type Write = Socket['write'];

/** Marks sockets already corking, so a reconnect's 'connect' patches each socket once. */
const patched = new WeakSet<Socket>();

function coalesceSocket(socket: Socket): void {
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
      // After this turn's I/O callbacks: every command they made goes in the one write.
      setImmediate(flush);
    }
    return write(...args);
  }) as Write;
}

function coalesceNode(redis: Redis): void {
  const patch = (): void => {
    const socket = (redis as unknown as { stream?: Socket }).stream;
    if (socket) coalesceSocket(socket);
  };
  patch();
  // Each reconnect opens a new socket.
  redis.on('connect', patch);
}

/** Makes `redis` (each node's connection, on a cluster) send one socket write per loop turn. */
export function coalesceWrites(redis: RedisClient): void {
  if (redis instanceof Cluster) {
    for (const node of redis.nodes()) coalesceNode(node);
    redis.on('+node', (node: Redis) => coalesceNode(node));
  } else {
    coalesceNode(redis);
  }
}
