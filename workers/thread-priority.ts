/**
 * Lowers the calling thread's CPU priority (its nice value) so that, on a busy machine, the thread
 * answering HTTP in the same process goes first: a webhook is acknowledged while plans and score
 * jobs wait a few milliseconds more (README "Performance"). Linux keeps a nice value per thread
 * and names the thread's own id in /proc/thread-self; elsewhere the thread keeps its priority.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value now in force for this thread, or why it could not be set. */
export type PriorityOutcome = { nice: number; threadId: number } | { error: string };

/** The kernel's id of the calling thread ("<pid>/task/<tid>"), which setpriority takes on Linux. */
function ownThreadId(): number {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (!Number.isInteger(threadId) || threadId <= 0) throw new Error('no thread id');
  return threadId;
}

export function lowerThreadPriority(nice: number): PriorityOutcome {
  if (nice === 0) return { nice: 0, threadId: 0 };
  try {
    const threadId = ownThreadId();
    setPriority(threadId, nice);
    return { nice: getPriority(threadId), threadId };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** The kernel's ids of the process's threads other than the calling one (Linux only). */
export function otherThreadIds(): number[] {
  const own = ownThreadId();
  return readdirSync('/proc/self/task')
    .map(Number)
    .filter((id) => id !== own);
}

/** Sets `nice` on each thread in `threadIds`; returns how many were set, or why not. */
export function setThreadsNice(
  threadIds: readonly number[],
  nice: number,
): { threads: number } | { error: string } {
  let threads = 0;
  try {
    for (const threadId of threadIds) {
      try {
        setPriority(threadId, nice);
        threads++;
      } catch (err) {
        // A thread that ended since it was listed is no longer there to set.
        if ((err as { info?: { code?: string } }).info?.code !== 'ESRCH') throw err;
      }
    }
    return { threads };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Lowers every other thread the process has now to `nice`; the calling thread keeps its priority.
 * `serve` calls it before it starts its job thread, when the others are V8's helper threads:
 * they compile and collect garbage for every isolate, the job thread's included, and at the HTTP
 * thread's priority they took the core from it (README "Performance"). A libuv pool thread, if
 * one exists by then, is lowered too: it only does the rare file or DNS work. Threads started
 * later take the priority of the thread that starts them. Returns how many were lowered, or why
 * not.
 */
export function lowerOtherThreads(nice: number): { threads: number } | { error: string } {
  if (nice === 0) return { threads: 0 };
  try {
    return setThreadsNice(otherThreadIds(), nice);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
