/**
 * The Lua scripts behind RunStore: each run transition is one script, so two workers can never
 * both (or neither) take it.
 */

/** Run data lives a week: enough for status pages and post-mortems. */
export const RUN_TTL_SEC = 7 * 86_400;

// Pages are tracked as sets (enqueued for scoring / scored), so a retried or re-run job never
// counts twice. Returns 1 whenever the score phase is complete: more than one caller may see it
// (a retried job, a worker that died after seeing it), and the plan job's id makes that harmless,
// whereas a "first caller only" flag would leave the run waiting forever if that caller died.
const SCORE_PHASE_DONE = `
if redis.call('HGET', KEYS[1], 'pagesDone') == '1' and redis.call('SCARD', KEYS[2]) == redis.call('SCARD', KEYS[3]) then return 1 end
return 0`;
export const FINISH_SCORE = `
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ${RUN_TTL_SEC})
${SCORE_PHASE_DONE}`;
export const FINISH_PAGES = `
redis.call('HSET', KEYS[1], 'pagesDone', '1')
${SCORE_PHASE_DONE}`;
export const PAGE_PULLED = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'pulled', ARGV[2]) end
redis.call('EXPIRE', KEYS[2], ${RUN_TTL_SEC})
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`;
// Counts a write job once (retries and stalled re-runs are ignored); 1 when the run is now done.
// A job may finish before its plan records how many it queued (the plan adds its jobs first): the
// run is done only once that number is known (PLAN_WRITES then counts what finished before).
export const FINISH_WRITE = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[2], ${RUN_TTL_SEC})
local pending = redis.call('HINCRBY', KEYS[1], 'writePending', -1)
if pending > 0 or redis.call('HEXISTS', KEYS[1], 'writesPlanned') == 0 then return 0 end
if redis.call('HSETNX', KEYS[1], 'completed', '1') == 1 then return 1 end
return 0`;
// Sets the number of write jobs once per run; 1 when there are none (the run is done).
export const PLAN_WRITES = `
if redis.call('HSETNX', KEYS[1], 'writesPlanned', ARGV[1]) == 0 then return 0 end
local pending = redis.call('HINCRBY', KEYS[1], 'writePending', tonumber(ARGV[1]))
if pending <= 0 and redis.call('HSETNX', KEYS[1], 'completed', '1') == 1 then return 1 end
return 0`;
// Marks a run of a group scored; 1 when the whole group is (plans are queued by job id, so
// seeing it twice is harmless). ARGV: run id, group size.
export const GROUP_SCORED = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ${RUN_TTL_SEC})
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
return 0`;
// Takes a tracker's active-run lock; returns the run id holding it instead (nil when taken).
// ARGV: run id, ttl sec.
export const ACQUIRE_RUN_LOCK = `
local holder = redis.call('GET', KEYS[1])
if holder then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;
// Extends the lock only if this run still holds it (a step of the run made progress).
export const TOUCH_RUN_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0`;
// Releases the lock only if this run still holds it (a stuck run's lock may have passed on).
export const RELEASE_RUN_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;
