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
 *
 * The tracker's own budget sets the pace too (`followBudget`, after every response), kept in Redis
 * so every process follows it:
 * - the budget itself: what the tracker says is left until its reset (less a small reserve) is a
 *   count every call takes one from (`waitTurn`, `readTurn`); when it is spent, calls wait for
 *   the reset, and at the reset the count starts again from the limit (the window's length is
 *   learnt from consecutive resets), so neither a burst at the reset nor calls in flight in
 *   other processes overdraw it;
 * - when less than a fifth is left (SLOW_BELOW_SHARE), the pace slows so what is left lasts
 *   until the reset (`slowUntil`: a minimum interval between calls until the reset). Calls booked
 *   at a faster pace before take a new slot at the slow pace, and reads take one while it lasts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from './redis-client.js';
import type { Keys } from './keys.js';
import { runScript } from './lua.js';

const SHIFT_TTL_MS = 86_400_000;
/** A pace so fast that only the budget's slow pace in Redis (when in force) spaces the calls. */
const UNPACED_PER_SEC = 1_000_000;

// KEYS[1] = theoretical arrival time (when the next call may go); KEYS[2] = the pause (its TTL is
// what is left of it); KEYS[3] = the shift; KEYS[4] = the budget's slow pace (ms between calls,
// until its TTL ends). ARGV[1] = ms between calls; ARGV[2] = calls to book.
// Returns the offset in ms from now of the first booked call, the shift they were booked at, the
// spacing of the calls, and the pace they were booked at (the slower of ARGV[1] and KEYS[4]).
// Nothing is booked inside a pause.
const BOOK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 and now + paused > tat then tat = now + paused end
local interval = tonumber(ARGV[1])
local slow = tonumber(redis.call('GET', KEYS[4]) or '0')
-- The slow pace holds until the reset it was set for (its TTL): slots after it go at ARGV[1].
-- and never books past its end, so the calls after the reset go at the configured pace.
local slowEnd = now + math.max(0, redis.call('PTTL', KEYS[4]))
local newTat = tat + interval * tonumber(ARGV[2])
if slow > interval and tat < slowEnd then
  interval = slow
  newTat = math.max(newTat, math.min(tat + slow * tonumber(ARGV[2]), slowEnd))
end
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now) + 1000)
local spacing = (newTat - tat) / tonumber(ARGV[2])
return {tostring(tat - now), redis.call('GET', KEYS[3]) or '0', tostring(spacing),
  tostring(interval)}`;

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

// KEYS[1] = the budget hash: remaining, resetAt (when the count starts again; `guessed` while the
// window after a reset is not known yet), limit, reported (the latest reset the tracker
// reported), windowMs / candidateMs (the window's length, learnt).
// ARGV[1] = now (ms), ARGV[2] = requests left less the reserve, ARGV[3] = reset (epoch ms),
// ARGV[4] = limit less the reserve. Within one window the count only goes down (calls in flight
// are not in the reported figure yet); a later reset starts a new window.
const SET_BUDGET = `
local now = tonumber(ARGV[1])
local left = tonumber(ARGV[2])
local reset = tonumber(ARGV[3])
local reported = tonumber(redis.call('HGET', KEYS[1], 'reported') or '0')
local resetAt = tonumber(redis.call('HGET', KEYS[1], 'resetAt') or '0')
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining') or '0')
local guessed = redis.call('HGET', KEYS[1], 'guessed') == '1'
if guessed or math.abs(reset - resetAt) < 1000 then
  -- The window being counted (rolled over at its reset): calls already taken stay taken.
  if left < remaining or guessed then
    redis.call('HSET', KEYS[1], 'remaining', tostring(math.min(left, remaining)))
  end
  redis.call('HSET', KEYS[1], 'resetAt', tostring(reset), 'guessed', '0')
elseif reset > resetAt then
  redis.call('HSET', KEYS[1], 'remaining', tostring(left), 'resetAt', tostring(reset))
elseif reset > now then
  -- The tracker's window ends before the one counted: a window's length guessed from two resets a
  -- quiet window apart (twice the real one) rolled the count over at the right time but to a
  -- reset one window late, and calls waited for it through a whole window the tracker allowed
  -- (the limits benchmark: 75 % of Jira's budget used). The count is this window's (calls in
  -- flight included), so it only goes down; the tracker's reset ends it.
  redis.call('HSET', KEYS[1], 'remaining', tostring(math.min(left, remaining)), 'resetAt', tostring(reset))
end
if reset > reported + 1000 then
  -- A window's length is trusted once two consecutive resets agree on it (a refusal's own reset,
  -- e.g. now + Retry-After, does not teach one).
  if reported > 0 then
    local step = reset - reported
    local candidate = tonumber(redis.call('HGET', KEYS[1], 'candidateMs') or '0')
    if math.abs(step - candidate) <= candidate * 0.1 then
      redis.call('HSET', KEYS[1], 'windowMs', tostring(step))
    end
    redis.call('HSET', KEYS[1], 'candidateMs', tostring(step))
  end
  redis.call('HSET', KEYS[1], 'reported', tostring(reset))
end
redis.call('HSET', KEYS[1], 'limit', ARGV[4])
redis.call('PEXPIRE', KEYS[1], 7200000)
return 1`;

// KEYS[1] = the budget hash. ARGV[1] = now (ms). Takes one call from the budget: returns 0 when
// taken (or when no budget is known), else the ms to wait for the reset. At the reset the count
// starts again from the limit: until the next reset when the window's length is known (or
// guessed from the last two resets), else until an answer reports the new window.
const TAKE = `
local now = tonumber(ARGV[1])
local reset = tonumber(redis.call('HGET', KEYS[1], 'resetAt') or '0')
if reset == 0 then return 0 end
if now >= reset then
  local window = tonumber(redis.call('HGET', KEYS[1], 'windowMs') or '0')
  if window <= 0 then window = tonumber(redis.call('HGET', KEYS[1], 'candidateMs') or '0') end
  local guessed = '0'
  if window > 0 then
    while reset <= now do reset = reset + window end
  else
    reset = now + 3600000
    guessed = '1'
  end
  local limit = redis.call('HGET', KEYS[1], 'limit') or '0'
  redis.call('HSET', KEYS[1], 'remaining', limit, 'resetAt', tostring(reset), 'guessed', guessed)
end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remaining') or '0')
if remaining > 0 then
  redis.call('HSET', KEYS[1], 'remaining', tostring(remaining - 1))
  return 0
end
-- Spent in a window whose reset is only guessed: the call goes, and its answer tells the window
-- (SET_BUDGET). Waiting instead stalled every process until the guessed reset an hour later,
-- since no call went out to bring that answer (the soak: a first full run held for minutes).
if redis.call('HGET', KEYS[1], 'guessed') == '1' then return 0 end
return reset - now`;

/**
 * waitTurn's look at the tracker in one round trip: the pause left, the shift and the slow pace,
 * and TAKE when the call may go now (its slot, moved by the shift since it was booked, has come;
 * no pause; no pace slower than the one it was booked at). Returns {pausedMs, shift, slowMs,
 * took}: took is TAKE's answer, or -1 when it was not asked.
 * KEYS: budget, pause, shift, slow. ARGV: now ms, slot ms, shift booked at, pace ms (-1: none).
 */
const TURN = `
local function take()
${TAKE}
end
local now = tonumber(ARGV[1])
local paused = redis.call('PTTL', KEYS[2])
if paused < 0 then paused = 0 end
local shift = tonumber(redis.call('GET', KEYS[3]) or '0')
local slow = tonumber(redis.call('GET', KEYS[4]) or '0')
local at = tonumber(ARGV[2])
local booked = tonumber(ARGV[3])
if shift > booked then at = at + shift - booked end
local paced = tonumber(ARGV[4])
if (paced >= 0 and slow > paced * 1.01) or paused > 0 or at > now then
  return {paused, shift, slow, -1}
end
return {paused, shift, slow, take()}`;

/** A job's booked calls: when each may go (this process's clock) and the shift they were booked at. */
export interface Booking {
  at: number[];
  shift: number;
  /** The pace the calls were booked at (ms between calls: the configured pace, or the budget's). */
  intervalMs: number;
}

/**
 * What a tracker reports of its budget: the shape of connectors' `RateBudget` (stores import
 * nothing of connectors, so it is restated here; TypeScript checks the two match where the write
 * path passes one as the other).
 */
export interface ReportedBudget {
  requestsRemaining: number | null;
  requestsLimit: number | null;
  /** Epoch ms when the budget resets. */
  resetAtMs: number | null;
  complexityRemaining?: number | null;
  complexityLimit?: number | null;
  complexityResetAtMs?: number | null;
  complexityPerRequest?: number | null;
}

/**
 * Below this share of the budget left (Jira flags 20 % with X-RateLimit-NearLimit), the pace
 * spreads what is left evenly until the reset. Above it calls go at the configured pace (the
 * count still stops them at the budget), so a small sync is not slowed by a budget it cannot
 * exhaust.
 */
export const SLOW_BELOW_SHARE = 0.2;
/** Requests kept back (a share of the limit, at least 1) for calls already in flight elsewhere. */
export const RESERVE_SHARE = 0.02;

/** The tighter of a tracker's budgets as requests: left, the limit, and its reset. */
export function effectiveBudget(
  budget: ReportedBudget | null,
  nowMs = Date.now(),
): { remaining: number; limit: number | null; resetAtMs: number } | null {
  if (budget === null) return null;
  const found: { remaining: number; limit: number | null; resetAtMs: number }[] = [];
  const { requestsRemaining, requestsLimit, resetAtMs } = budget;
  if (requestsRemaining !== null && resetAtMs !== null && resetAtMs > nowMs) {
    found.push({ remaining: requestsRemaining, limit: requestsLimit, resetAtMs });
  }
  const perRequest = budget.complexityPerRequest;
  const pointsReset = budget.complexityResetAtMs ?? resetAtMs;
  if (
    perRequest != null &&
    perRequest > 0 &&
    budget.complexityRemaining != null &&
    pointsReset != null &&
    pointsReset > nowMs
  ) {
    // Points as requests of the average cost.
    found.push({
      remaining: Math.floor(budget.complexityRemaining / perRequest),
      limit:
        budget.complexityLimit == null ? null : Math.floor(budget.complexityLimit / perRequest),
      resetAtMs: pointsReset,
    });
  }
  return found.sort((a, b) => a.remaining - b.remaining)[0] ?? null;
}

/** Requests kept back from a budget of `limit`. */
export function reserveOf(limit: number | null): number {
  return Math.max(1, Math.ceil((limit ?? 0) * RESERVE_SHARE));
}

/**
 * The pace a reported budget allows: null when there is plenty left (or nothing reported), a
 * minimum interval between calls until the reset when it runs low, or a pause until the reset when
 * only the reserve is left.
 */
export function budgetPace(
  budget: ReportedBudget | null,
  nowMs = Date.now(),
): { intervalMs: number; untilMs: number } | { pauseUntilMs: number } | null {
  const b = effectiveBudget(budget, nowMs);
  if (b === null) return null;
  if (b.limit !== null && b.limit > 0 && b.remaining >= b.limit * SLOW_BELOW_SHARE) return null;
  const usable = b.remaining - reserveOf(b.limit);
  if (usable <= 0) return { pauseUntilMs: b.resetAtMs };
  return { intervalMs: (b.resetAtMs - nowMs) / usable, untilMs: b.resetAtMs };
}

/** How long a budget told to Redis stands while plenty is left in the same window (ms). */
export const BUDGET_RETELL_MS = 250;

export class RateLimiter {
  /** Per tracker: when this process last told Redis a budget, and that budget's reset. */
  private readonly budgetTold = new Map<string, { atMs: number; resetAtMs: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** The pause, the shift and the budget's slow pace live next to the pace, under one hash tag. */
  private scriptKeys(trackerId: string): [string, string, string, string] {
    const tat = this.keys.rateLimit(trackerId);
    return [tat, `${tat}:pause`, `${tat}:shift`, `${tat}:slow`];
  }

  private budgetKey(trackerId: string): string {
    return `${this.keys.rateLimit(trackerId)}:budget`;
  }

  /**
   * Books `count` calls in one round trip, so a job of many calls asks Redis once rather than once
   * per call. Wait for each with `waitTurn`.
   */
  async book(trackerId: string, perSec: number, count: number): Promise<Booking> {
    const { waits, shift, intervalMs } = await this.reserve(trackerId, perSec, count);
    const now = Date.now();
    return { at: waits.map((w) => now + w), shift, intervalMs };
  }

  /** Books `count` calls; returns how long to wait before each, as booked (no pause after). */
  async reserveMany(trackerId: string, perSec: number, count: number): Promise<number[]> {
    return (await this.reserve(trackerId, perSec, count)).waits;
  }

  private async reserve(
    trackerId: string,
    perSec: number,
    count: number,
  ): Promise<{ waits: number[]; shift: number; intervalMs: number }> {
    if (count <= 0) return { waits: [], shift: 0, intervalMs: 1000 / perSec };
    const [base, shift, spacing, interval] = (await runScript(
      this.redis,
      BOOK,
      4,
      ...this.scriptKeys(trackerId),
      1000 / perSec,
      count,
    )) as [string, string, string, string];
    const waits = Array.from({ length: count }, (_, i) =>
      Math.max(0, Math.ceil(Number(base) + i * Number(spacing))),
    );
    return { waits, shift: Number(shift), intervalMs: Number(interval) };
  }

  /**
   * Slows every process's calls to the tracker to one per `intervalMs` until `untilMs` (this
   * process's clock; kept as a TTL). The latest reading replaces the previous one: the budget the
   * tracker reported last is the best estimate.
   */
  async slowUntil(trackerId: string, intervalMs: number, untilMs: number): Promise<void> {
    const ttl = Math.ceil(untilMs - Date.now());
    if (ttl <= 0 || !(intervalMs > 0)) return;
    await this.redis.set(this.scriptKeys(trackerId)[3], String(intervalMs), 'PX', ttl);
  }

  /**
   * Paces the tracker from the budget it reported: keeps the count of what is left (less the
   * reserve) until its reset, and slows the pace when less than a fifth is left for the time to the
   * reset (`budgetPace`). Nothing when the tracker reports no budget.
   */
  async followBudget(trackerId: string, budget: ReportedBudget | null): Promise<void> {
    const now = Date.now();
    const b = effectiveBudget(budget, now);
    if (b === null) return;
    // Plenty left in the window this process told Redis about a moment ago: the shared count
    // already holds every call taken since (TAKE), so the answer has nothing to correct soon
    // enough to matter. A write told Redis after every call, a fifth of its socket writes.
    const pace = budgetPace(budget, now);
    const told = this.budgetTold.get(trackerId);
    if (
      told !== undefined &&
      now - told.atMs < BUDGET_RETELL_MS &&
      Math.abs(told.resetAtMs - b.resetAtMs) < 1000 &&
      pace === null
    )
      return;
    this.budgetTold.set(trackerId, { atMs: now, resetAtMs: b.resetAtMs });
    const reserve = reserveOf(b.limit);
    await runScript(
      this.redis,
      SET_BUDGET,
      1,
      this.budgetKey(trackerId),
      now,
      Math.max(0, b.remaining - reserve),
      b.resetAtMs,
      Math.max(0, (b.limit ?? b.remaining) - reserve),
    );
    // A spent budget needs no pause: the count makes every call wait for the reset.
    if (pace !== null && 'intervalMs' in pace) {
      await this.slowUntil(trackerId, pace.intervalMs, pace.untilMs);
    }
  }

  /**
   * Before a read (a sync page): waits out the tracker's pause and, while the budget's slow pace
   * is in force, takes a slot at that pace, so reads and writes share what is left. Returns the
   * ms waited.
   */
  async readTurn(trackerId: string): Promise<number> {
    const started = Date.now();
    // Most reads go at once: one look that takes the budget's call when there is no pause and no
    // slow pace (a pace of 0 makes any slow pace send the read the slow way below).
    const first = await this.turn(trackerId, started, Number.MAX_SAFE_INTEGER, 0);
    if (first.took === 0) return Date.now() - started;
    if (first.slowMs > 0) {
      // The slow pace in Redis sets the interval (and ends at its reset): ask for no pace of our own.
      const booking = await this.book(trackerId, UNPACED_PER_SEC, 1);
      await this.waitTurn(trackerId, booking.at[0] ?? Date.now(), booking.shift, first.slowMs);
    } else {
      await this.waitTurn(trackerId, Date.now(), first.shift); // a pause, or the budget is spent
    }
    return Date.now() - started;
  }

  /**
   * Stops every process's calls to the tracker until `untilMs` (this process's clock; stored as a
   * TTL, so other processes' clocks do not matter), moving every booked call later by what the
   * pause adds. Extends a pause already running, never shortens it.
   */
  async pause(trackerId: string, untilMs: number): Promise<void> {
    const ms = Math.ceil(untilMs - Date.now());
    if (ms <= 0) return;
    await runScript(this.redis, PAUSE, 3, ...this.scriptKeys(trackerId).slice(0, 3), ms);
  }

  /**
   * How long a call to the tracker would wait now for its pause or a spent budget's reset (ms; 0
   * when it could go), without taking anything. Jobs of the shared score queue ask it first, so a
   * tracker that must wait does not hold a slot another tracker's jobs need (`TrackerBusyError`).
   */
  async blockedForMs(trackerId: string): Promise<number> {
    const now = Date.now();
    const [[, pausedMs], [, budget]] = (await this.redis
      .multi()
      .pttl(this.scriptKeys(trackerId)[1])
      .hmget(this.budgetKey(trackerId), 'remaining', 'resetAt', 'guessed')
      .exec()) as [[unknown, number], [unknown, (string | null)[]]];
    const [remaining, resetAt, guessed] = budget;
    const resetInMs = Number(resetAt ?? 0) - now;
    // As TAKE decides: a spent count waits for its reset unless that reset is only guessed.
    const spent = Number(remaining ?? 1) <= 0 && guessed !== '1' && resetInMs > 0;
    return Math.max(0, pausedMs, spent ? resetInMs : 0);
  }

  /** When the tracker's pause ends (this process's clock), or 0 when it is not paused. */
  async pausedUntil(trackerId: string): Promise<number> {
    const ms = await this.redis.pttl(this.scriptKeys(trackerId)[1]);
    return ms > 0 ? Date.now() + ms : 0;
  }

  /**
   * One look at the tracker for a call booked at `at` (this process's clock) under `booked`: the
   * pause left (ms), the shift and the slow pace; and, when the call may go now (its slot, moved by
   * any shift since, has come, no pause, no slower pace in force), one call taken from the budget:
   * `took` is 0 when taken, the ms to the budget's reset when spent, -1 when not asked.
   */
  private async turn(
    trackerId: string,
    at: number,
    booked: number,
    paced: number,
  ): Promise<{ pausedMs: number; shift: number; slowMs: number; took: number }> {
    const [, pause, shift, slow] = this.scriptKeys(trackerId);
    const [pausedMs, shiftNow, slowMs, took] = (await runScript(
      this.redis,
      TURN,
      4,
      this.budgetKey(trackerId),
      pause,
      shift,
      slow,
      Date.now(),
      at,
      booked,
      Number.isFinite(paced) ? paced : -1,
    )) as [number, number, number, number];
    return { pausedMs, shift: shiftNow, slowMs, took };
  }

  /**
   * Waits until one booked call may go: its slot (`atMs`, booked at `shift` with `intervalMs`
   * between calls), moved by every pause since, and not inside a pause. A call booked at a faster
   * pace than the budget's slow pace now in force takes a new slot at the slow pace, and every call
   * takes one from the tracker's budget (or waits for its reset). Called immediately before the
   * call; returns the ms waited.
   */
  async waitTurn(
    trackerId: string,
    atMs: number,
    shift: number,
    intervalMs = Number.POSITIVE_INFINITY,
  ): Promise<number> {
    const started = Date.now();
    let at = atMs;
    let booked = shift;
    let paced = intervalMs;
    for (;;) {
      const wait = at - Date.now();
      if (wait > 0) await sleep(wait);
      // One round trip: the tracker's state, and the budget's call when the slot is due.
      const state = await this.turn(trackerId, at, booked, paced);
      // The schedule moved (a pause): so does this call. A shift that went down was reset.
      if (state.shift > booked) at += state.shift - booked;
      booked = state.shift;
      if (state.slowMs > paced * 1.01) {
        // Booked before the budget ran low: go at the pace the budget allows now.
        const slot = await this.book(trackerId, UNPACED_PER_SEC, 1);
        at = Math.max(at, slot.at[0] ?? at);
        booked = slot.shift;
        paced = state.slowMs;
        continue;
      }
      if (state.took === 0) return Date.now() - started;
      if (state.took > 0) {
        at = Date.now() + state.took; // the budget is spent: wait for its reset
        continue;
      }
      if (state.pausedMs > 0) at = Math.max(at, Date.now() + state.pausedMs);
    }
  }
}
