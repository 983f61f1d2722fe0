/**
 * netvalue paces itself from the budget the tracker reports: a sync that needs several windows of
 * a small budget completes with (almost) no 429s, because every process counts and waits for the
 * reset in Redis instead of finding out from refusals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { budgetPace, effectiveBudget } from '../../src/store/rate-limiter.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** 1 h of budget lasts 2 s. */
const TIME_SCALE = 1800;

describe('pacing from the reported budget', () => {
  it('a Jira sync needing 4+ windows of a 40-request budget completes with at most 1 rejection', async () => {
    h = await startHarness({
      jira: {
        issues: 150,
        seed: 81,
        rateLimit: { limit: 40, enforce: true, timeScale: TIME_SCALE },
      },
      linear: { issues: 5, seed: 82 },
    });
    const summary = totals(
      await runSync(h.ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false }),
    );
    expect(summary.failed).toBe(0);
    expect(summary.written).toBeGreaterThan(100);
    const windows = h.jira.budget?.windows ?? [];
    const rejected = windows.reduce((n, w) => n + w.rejected, 0);
    expect(windows.filter((w) => w.accepted > 0).length).toBeGreaterThanOrEqual(4);
    expect(rejected).toBeLessThanOrEqual(1);
    expect(h.jira.log.count((e) => e.status === 429)).toBe(rejected);
  });

  it('a Linear sync needing several windows of a 10-request budget completes without RATELIMITED', async () => {
    h = await startHarness({
      jira: { issues: 5, seed: 83 },
      linear: { issues: 800, seed: 84, requestsPerHour: 10, timeScale: TIME_SCALE },
      linearTracker: { writeBack: { prioritySortOrder: true, priority: true } },
    });
    const summary = totals(
      await runSync(h.ctx, { trackerIds: ['acme-linear'], full: true, dryRun: false }),
    );
    expect(summary.failed).toBe(0);
    const windows = h.linear.rate.windows;
    expect(windows.filter((w) => w.accepted > 0).length).toBeGreaterThanOrEqual(3);
    expect(windows.reduce((n, w) => n + w.rejected, 0)).toBeLessThanOrEqual(1);
  });

  it('slows down when little is left for the time to the reset, and counts Linear points as requests', () => {
    const now = 1_000_000;
    expect(
      budgetPace({ requestsRemaining: 900, requestsLimit: 1000, resetAtMs: now + 60_000 }, now),
    ).toBeNull();
    const slow = budgetPace(
      { requestsRemaining: 120, requestsLimit: 1000, resetAtMs: now + 60_000 },
      now,
    );
    // 120 left less a reserve of 20 (2 %), over the 60 s to the reset.
    expect(slow).toEqual({ intervalMs: 600, untilMs: now + 60_000 });
    expect(
      budgetPace({ requestsRemaining: 10, requestsLimit: 1000, resetAtMs: now + 60_000 }, now),
    ).toEqual({ pauseUntilMs: now + 60_000 });
    // 2,000 requests left but only 100,000 points at 1,000 a request: 100 requests.
    expect(
      effectiveBudget(
        {
          requestsRemaining: 2000,
          requestsLimit: 2500,
          resetAtMs: now + 60_000,
          complexityRemaining: 100_000,
          complexityLimit: 3_000_000,
          complexityResetAtMs: now + 30_000,
          complexityPerRequest: 1000,
        },
        now,
      ),
    ).toEqual({ remaining: 100, limit: 3000, resetAtMs: now + 30_000 });
  });
});
