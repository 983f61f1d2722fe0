/**
 * Lua scripts sent by their SHA1 once Redis has them: EVAL sends the whole text every time, and the
 * rate limiter's turn alone is 2 KB on every tracker call (README "Performance"). Redis keeps a
 * script it ran until it restarts, a replica is promoted or SCRIPT FLUSH; the NOSCRIPT answer then
 * sends the text once more. Scripts inside a MULTI stay EVAL: a NOSCRIPT there would leave the
 * rest of the transaction applied without it.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

type Arg = string | number | Buffer;

/**
 * The SHA1 of each script this process has sent in full: Redis has it, unless it forgot it or is
 * another server (then NOSCRIPT, and the text goes again).
 */
const sent = new Map<string, string>();

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}

/** EVAL of `script`, sent as EVALSHA after the first time. */
export async function runScript(
  redis: RedisClient,
  script: string,
  numKeys: number,
  ...args: Arg[]
): Promise<unknown> {
  const sha = sent.get(script);
  if (sha !== undefined) {
    try {
      return await redis.evalsha(sha, numKeys, ...args);
    } catch (err) {
      if (!isNoScript(err)) throw err;
    }
  }
  const reply = await redis.eval(script, numKeys, ...args);
  if (sha === undefined) sent.set(script, createHash('sha1').update(script).digest('hex'));
  return reply;
}
