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

const shas = new Map<string, string>();
/** Scripts this process has sent in full (Redis has them, unless it forgot or is another one). */
const sent = new Set<string>();

function shaOf(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

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
  if (sent.has(script)) {
    try {
      return await redis.evalsha(shaOf(script), numKeys, ...args);
    } catch (err) {
      if (!isNoScript(err)) throw err;
    }
  }
  const reply = await redis.eval(script, numKeys, ...args);
  sent.add(script);
  return reply;
}
