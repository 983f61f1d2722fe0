/**
 * A per-tracker write pace kept in Redis (GCRA), so it holds across every worker process, and the
 * tracker's 429 pause, so a Retry-After stops every process's calls, including those already booked.
 *
 * The pace is even: calls are booked `1000 / perSec` ms apart with no burst allowance beyond the
 * first call, so an idle tracker gets one call at once and the next one an interval later. In any
 * window of W ms there are at most `floor(W × perSec / 1000) + 1` booked calls, whichever
 * processes booked them.
 *
 * A pause moves the whole schedule: every call booked and not yet sent moves later by the pause's
 * length (the `shift`, a total kept in Redis), and so do new bookings. So after the pause calls
 * resume at the pace, in their order, rather than all at once, and the refused call goes first.
 * `book` says when each call may go and the shift it was booked at; `waitTurn`, called immediately
 * before each call, waits for the slot as the schedule now stands (pauses included).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

const SHIFT_TTL_MS = 86_400_000;

// KEYS[1] = theoretical arrival time (when the next call may go); KEYS[2] = the pause (its TTL is
// what is left of it); KEYS[3] = the shift. ARGV[1] = ms between calls; ARGV[2] = calls to book.
// Returns the offset in ms from now of the first booked call (the others follow ARGV[1] apart) and
// the shift they were booked at. Nothing is booked inside a pause.
const BOOK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 and now + paused > tat then tat = now + paused end
local interval = tonumber(ARGV[1])
local newTat = tat + interval * tonumber(ARGV[2])
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now) + 1000)
return {tostring(tat - now), redis.call('GET', KEYS[3]) or '0'}`;

// Same KEYS; ARGV[1] = pause length in ms from now. Extends a running pause (never shortens it) and
// moves the schedule by what it adds. Returns the shift.
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[1])
local left = redis.call('PTTL', KEYS[2])
if left < 0 then left = 0 end
if ms <= left then return redis.call('GET', KEYS[3]) or '0' end
local added = ms - left
redis.call('SET', KEYS[2], '1', 'PX', ms)
local shift = redis.call('INCRBY', KEYS[3], added)
redis.call('PEXPIRE', KEYS[3], ${SHIFT_TTL_MS})
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
tat = math.max(tat + added, now + ms)
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 1000)
return tostring(shift)`;

/** A job's booked calls: when each may go (this process's clock) and the shift they were booked at. */
export interface Booking {
  at: number[];
  shift: number;
}

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** The pause and the shift live next to the pace, under the same hash tag. */
  private scriptKeys(trackerId: string): [string, string, string] {
    const tat = this.keys.rateLimit(trackerId);
    return [tat, `${tat}:pause`, `${tat}:shift`];
  }

  /**
   * Books `count` calls in one round trip, so a job of many calls asks Redis once rather than once
   * per call. Wait for each with `waitTurn`.
   */
  async book(trackerId: string, perSec: number, count: number): Promise<Booking> {
    const { waits, shift } = await this.reserve(trackerId, perSec, count);
    const now = Date.now();
    return { at: waits.map((w) => now + w), shift };
  }

  /** Books `count` calls; returns how long to wait before each, as booked (no pause after). */
  async reserveMany(trackerId: string, perSec: number, count: number): Promise<number[]> {
    return (await this.reserve(trackerId, perSec, count)).waits;
  }

  private async reserve(
    trackerId: string,
    perSec: number,
    count: number,
  ): Promise<{ waits: number[]; shift: number }> {
    if (count <= 0) return { waits: [], shift: 0 };
    const intervalMs = 1000 / perSec;
    const [base, shift] = (await this.redis.eval(
      BOOK,
      3,
      ...this.scriptKeys(trackerId),
      intervalMs,
      count,
    )) as [string, string];
    const waits = Array.from({ length: count }, (_, i) =>
      Math.max(0, Math.ceil(Number(base) + i * intervalMs)),
    );
    return { waits, shift: Number(shift) };
  }

  /**
   * Stops every process's calls to the tracker until `untilMs` (this process's clock; stored as a
   * TTL, so other processes' clocks do not matter), moving every booked call later by what the
   * pause adds. Extends a pause already running, never shortens it.
   */
  async pause(trackerId: string, untilMs: number): Promise<void> {
    const ms = Math.ceil(untilMs - Date.now());
    if (ms <= 0) return;
    await this.redis.eval(PAUSE, 3, ...this.scriptKeys(trackerId), ms);
  }

  /** When the tracker's pause ends (this process's clock), or 0 when it is not paused. */
  async pausedUntil(trackerId: string): Promise<number> {
    const ms = await this.redis.pttl(this.scriptKeys(trackerId)[1]);
    return ms > 0 ? Date.now() + ms : 0;
  }

  /** What is left of the pause (ms) and the shift, in one round trip. */
  private async now(trackerId: string): Promise<{ pausedMs: number; shift: number }> {
    const [, pause, shift] = this.scriptKeys(trackerId);
    const [[, pausedMs], [, shiftRaw]] = (await this.redis
      .multi()
      .pttl(pause)
      .get(shift)
      .exec()) as [[unknown, number], [unknown, string | null]];
    return { pausedMs: Math.max(0, pausedMs), shift: Number(shiftRaw ?? 0) };
  }

  /**
   * Waits until one booked call may go: its slot (`atMs`, booked at `shift`), moved by every pause
   * since, and not inside a pause. Called immediately before the call; returns the ms waited.
   */
  async waitTurn(trackerId: string, atMs: number, shift: number): Promise<number> {
    const started = Date.now();
    let at = atMs;
    let booked = shift;
    for (;;) {
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      const state = await this.now(trackerId);
      // The schedule moved (a pause): so does this call. A shift that went down was reset.
      if (state.shift > booked) at += state.shift - booked;
      booked = state.shift;
      if (at <= Date.now() && state.pausedMs === 0) return Date.now() - started;
      if (state.pausedMs > 0) at = Math.max(at, Date.now() + state.pausedMs);
    }
  }
}
