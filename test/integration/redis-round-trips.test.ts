/**
 * What the stores send to Redis: scripts by their SHA1 once Redis has them (src/store/lua.ts), and
 * the commands made together in one socket write (src/redis-coalesce.ts). A private
 * redis-server, so its counters and script cache are the test's alone.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/redis-connect.js';
import { runScript } from '../../src/store/lua.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

let server: PrivateRedis;
let observer: Redis;

beforeAll(async () => {
  server = await startPrivateRedis();
  observer = new Redis(server.url);
});
afterAll(async () => {
  await observer.quit();
  await server.stop();
});

async function stat(section: string, name: string): Promise<number> {
  const info = await observer.info(section);
  return Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? 0);
}

/** Calls of one command (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await observer.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

describe('runScript', () => {
  it('sends the text once, then the SHA1, and the text again when Redis forgot it', async () => {
    const redis = await connectRedis(server.url);
    // A script of this test alone (other tests' scripts are not sent to this server).
    const script = `return tonumber(ARGV[1]) + 1 -- ${Date.now()}`;
    try {
      const [eval0, sha0] = [await calls('eval'), await calls('evalsha')];
      expect(await runScript(redis, script, 0, 41)).toBe(42);
      expect(await runScript(redis, script, 0, 1)).toBe(2);
      expect(await runScript(redis, script, 0, 2)).toBe(3);
      expect([(await calls('eval')) - eval0, (await calls('evalsha')) - sha0]).toEqual([1, 2]);

      // As after a restart or a failover: the cache is empty, the answer still right.
      await observer.script('FLUSH');
      expect(await runScript(redis, script, 0, 9)).toBe(10);
      expect(await runScript(redis, script, 0, 10)).toBe(11);
      expect([(await calls('eval')) - eval0, (await calls('evalsha')) - sha0]).toEqual([2, 4]);
    } finally {
      await redis.quit();
    }
  });

  it('passes other script errors through', async () => {
    const redis = await connectRedis(server.url);
    try {
      const script = "return redis.error_reply('ERR refused by the script')";
      await expect(runScript(redis, script, 0)).rejects.toThrow('refused by the script');
      await expect(runScript(redis, script, 0)).rejects.toThrow('refused by the script');
    } finally {
      await redis.quit();
    }
  });
});

describe('coalesced writes', () => {
  /**
   * Writes that reached the socket's handle (system calls) while `work` ran: a write the socket
   * takes at once goes through `_write`, writes buffered meanwhile (corked) through one `_writev`.
   */
  async function socketWrites(client: Redis, work: () => Promise<void>): Promise<number> {
    const socket = client.stream;
    const inner = socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
    const [write, writev] = [inner._write, inner._writev];
    let count = 0;
    inner._write = (...a) => {
      count++;
      write.apply(socket, a);
    };
    inner._writev = (...a) => {
      count++;
      writev.apply(socket, a);
    };
    try {
      await work();
    } finally {
      delete (inner as Partial<typeof inner>)._write;
      delete (inner as Partial<typeof inner>)._writev;
    }
    return count;
  }

  it('sends the commands made together in one write, in order, MULTI included', async () => {
    const redis = (await connectRedis(server.url)) as Redis;
    const plain = new Redis(server.url);
    try {
      const key = `coalesce:${Date.now()}`;
      const burst = (client: Redis) => async () => {
        const replies = await Promise.all([
          ...Array.from({ length: 20 }, () => client.incr(key)),
          client.multi().incr(key).incr(key).exec(),
          client.incr(key),
        ]);
        const counts = replies.slice(0, 20) as number[];
        // Each reply is the next count: the commands reached Redis in the order they were made.
        expect(counts).toEqual(counts.map((_, i) => (counts[0] as number) + i));
        expect(replies[20]).toEqual([
          [null, (counts[19] as number) + 1],
          [null, (counts[19] as number) + 2],
        ]);
        expect(replies[21]).toBe((counts[19] as number) + 3);
      };
      await plain.ping();
      expect(await socketWrites(plain, burst(plain))).toBeGreaterThanOrEqual(10);
      expect(await socketWrites(redis, burst(redis))).toBe(1);
      // And Redis read them at once.
      const before = await stat('stats', 'total_reads_processed');
      await burst(redis)();
      // Its own INFO calls are one read each.
      expect((await stat('stats', 'total_reads_processed')) - before - 1).toBeLessThanOrEqual(2);
    } finally {
      await plain.quit();
      await redis.quit();
    }
  });

  it("waits for the end of the loop's turn in 'turn' mode, not in 'callback' mode", async () => {
    const perCallback = (await connectRedis(server.url)) as Redis;
    const perTurn = (await connectRedis(server.url, { coalesce: 'turn' })) as Redis;
    try {
      const key = `coalesce-turn:${Date.now()}`;
      // Ten commands, each made by a timer of its own: callbacks of the same turn.
      const timers = (client: Redis) => () =>
        Promise.all(
          Array.from(
            { length: 10 },
            () =>
              new Promise<number>((resolve, reject) => {
                setTimeout(() => void client.incr(key).then(resolve, reject), 0);
              }),
          ),
        ).then(() => undefined);
      expect(await socketWrites(perCallback, timers(perCallback))).toBeGreaterThanOrEqual(5);
      expect(await socketWrites(perTurn, timers(perTurn))).toBeLessThanOrEqual(2);
      expect(await perTurn.get(key)).toBe('20');
    } finally {
      await perTurn.quit();
      await perCallback.quit();
    }
  });

  it('keeps coalescing on the new socket after a reconnect', async () => {
    const redis = (await connectRedis(server.url)) as Redis;
    try {
      const first = redis.stream;
      await observer.client('KILL', 'SKIPME', 'yes', 'TYPE', 'normal');
      // The command waits for the reconnect (maxRetriesPerRequest is null), then is answered.
      await expect(redis.ping()).resolves.toBe('PONG');
      expect(redis.stream).not.toBe(first);
      const key = `coalesce-again:${Date.now()}`;
      const writes = await socketWrites(redis, async () => {
        await Promise.all(Array.from({ length: 20 }, () => redis.incr(key)));
      });
      expect(writes).toBe(1);
      expect(await redis.get(key)).toBe('20');
    } finally {
      await redis.quit();
    }
  });
});
