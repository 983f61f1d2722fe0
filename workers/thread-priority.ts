/**
 * Lowers the calling thread's CPU priority (its nice value) so that, on a busy machine, the thread
 * answering HTTP in the same process goes first: a webhook is acknowledged while plans and score
 * jobs wait a few milliseconds more (README "Performance"). Linux keeps a nice value per thread
 * and names the thread's own id in /proc/thread-self; elsewhere the thread keeps its priority.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value now in force for this thread, or why it could not be set. */
export type PriorityOutcome = { nice: number; threadId: number } | { error: string };

export function lowerThreadPriority(nice: number): PriorityOutcome {
  if (nice === 0) return { nice: 0, threadId: 0 };
  try {
    // "<pid>/task/<tid>": the kernel's id of this thread, which setpriority takes on Linux.
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return { error: 'no thread id' };
    setPriority(threadId, nice);
    return { nice: getPriority(threadId), threadId };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
