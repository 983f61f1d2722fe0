/**
 * The job thread's priority: NETVALUE_JOB_THREAD_NICE, else 10; a value outside 0-19 stops
 * `serve` with a message naming the variable and the value. Lowering to 0 changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { JOB_THREAD_NICE, jobThreadNice } from '../../src/cli/job-thread.js';
import {
  lowerOtherThreads,
  lowerThreadPriority,
  setThreadsNice,
} from '../../workers/thread-priority.js';

describe('jobThreadNice', () => {
  it('defaults to 10 when unset or blank, and takes 0 to 19', () => {
    expect(JOB_THREAD_NICE).toBe(10);
    expect(jobThreadNice({})).toBe(10);
    expect(jobThreadNice({ NETVALUE_JOB_THREAD_NICE: '' })).toBe(10);
    expect(jobThreadNice({ NETVALUE_JOB_THREAD_NICE: '0' })).toBe(0);
    expect(jobThreadNice({ NETVALUE_JOB_THREAD_NICE: '19' })).toBe(19);
  });

  it.each(['-1', '20', '2.5', 'low'])('refuses %j, naming the variable and value', (raw) => {
    const attempt = () => jobThreadNice({ NETVALUE_JOB_THREAD_NICE: raw });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('NETVALUE_JOB_THREAD_NICE must be a whole number from 0');
    expect(attempt).toThrow(`got '${raw}'`);
  });

  it('leaves the thread as it is for 0', () => {
    expect(lowerThreadPriority(0)).toEqual({ nice: 0, threadId: 0 });
    // Nor the process's other threads (serve with NETVALUE_JOB_THREAD_NICE=0).
    expect(lowerOtherThreads(0)).toEqual({ threads: 0 });
  });

  it('skips a thread that ended since it was listed, and says why when it cannot set one', () => {
    // No thread has this id (above Linux's largest): as if it had ended.
    expect(setThreadsNice([2 ** 30], 10)).toEqual({ threads: 0 });
    // A value that cannot be set is an error for the caller to log, not a crash (Node refuses 40
    // before asking the kernel, so nothing here changes).
    const refused = setThreadsNice([process.pid], 40);
    expect('error' in refused && refused.error).toMatch(/priority/);
  });
});
