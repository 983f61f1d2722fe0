/**
 * The sandbox's rate limits, as Jira Cloud documents them (../shared/ref/jira-cloud.md, section 7):
 * a site-wide request budget per window reported in `X-RateLimit-Limit/-Remaining/-Reset` (and
 * `X-RateLimit-NearLimit: true` under 20 % left) and, when enforced, answered 429 with
 * `Retry-After` (whole seconds) and `RateLimit-Reason: jira-quota-tenant-based` once spent; and a
 * per-issue write limit (`jira-per-issue-on-write`). Off by default: without `enforce` the budget
 * is only reported, without `perIssueWrites` writes are not limited.
 *
 * `timeScale` shrinks the hour (2 s at 1,800) so a benchmark meets the budget within a minute. Jira
 * gives the reset to the minute (`2026-03-02T10:00Z`); a scaled window is shorter than a minute,
 * so the scaled sandbox gives it to the millisecond, in the same ISO-8601 form.
 */
const HOUR_MS = 3_600_000;

export interface JiraRateLimitOptions {
  /** Requests per window, reported in X-RateLimit-* on every answer. */
  limit: number;
  /** Answer 429 once the window's requests are spent (default false: only report them). */
  enforce?: boolean;
  /** The window is one hour divided by this (default 1). */
  timeScale?: number;
  /** At most `limit` writes (edits, rank moves) to one issue within `windowMs` (already scaled). */
  perIssueWrites?: { limit: number; windowMs: number };
}

/** One window's use: requests answered, and how many of them were refused by the budget. */
export interface JiraWindowTally {
  startMs: number;
  accepted: number;
  rejected: number;
}

export interface RateDecision {
  headers: Record<string, string>;
  /** Set when the request is refused: the 429's Retry-After (s) and RateLimit-Reason. */
  refused?: { retryAfterSec: number; reason: string };
}

/** Jira's reset header: ISO-8601 to the minute, or to the millisecond for a scaled window. */
function resetHeader(ms: number, scaled: boolean): string {
  const iso = new Date(ms).toISOString();
  return scaled ? iso : `${iso.slice(0, 16)}Z`;
}

export class JiraRateBudget {
  readonly windowMs: number;
  readonly windows: JiraWindowTally[] = [];
  private windowStartMs: number;
  private used = 0;
  private readonly writesByIssue = new Map<string, number[]>();

  constructor(
    readonly options: JiraRateLimitOptions,
    private readonly now: () => number,
  ) {
    this.windowMs = HOUR_MS / (options.timeScale ?? 1);
    this.windowStartMs = now();
    this.windows.push({ startMs: this.windowStartMs, accepted: 0, rejected: 0 });
  }

  private roll(): void {
    const now = this.now();
    if (now < this.windowStartMs + this.windowMs) return;
    this.windowStartMs += Math.floor((now - this.windowStartMs) / this.windowMs) * this.windowMs;
    this.used = 0;
    this.windows.push({ startMs: this.windowStartMs, accepted: 0, rejected: 0 });
    if (this.windows.length > 1000) this.windows.splice(0, 1);
  }

  private get tally(): JiraWindowTally {
    return this.windows[this.windows.length - 1] as JiraWindowTally;
  }

  private headers(remaining: number): Record<string, string> {
    const { limit } = this.options;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, remaining)),
      'x-ratelimit-reset': resetHeader(
        this.windowStartMs + this.windowMs,
        (this.options.timeScale ?? 1) !== 1,
      ),
    };
    if (remaining < limit * 0.2) headers['x-ratelimit-nearlimit'] = 'true';
    return headers;
  }

  /** Seconds until `atMs`, rounded up as Jira does (at least 1). */
  private secondsUntil(atMs: number): number {
    return Math.max(1, Math.ceil((atMs - this.now()) / 1000));
  }

  /**
   * Counts one request and decides whether it is answered. `writes` names the issues a write
   * changes (for the per-issue limit); empty for reads.
   */
  decide(writes: readonly string[]): RateDecision {
    this.roll();
    const { limit, enforce, perIssueWrites } = this.options;
    if (enforce && this.used >= limit) {
      this.tally.rejected++;
      return {
        headers: this.headers(0),
        refused: {
          retryAfterSec: this.secondsUntil(this.windowStartMs + this.windowMs),
          reason: 'jira-quota-tenant-based',
        },
      };
    }
    if (perIssueWrites && writes.length > 0) {
      const now = this.now();
      let freeAt = 0;
      for (const id of writes) {
        const recent = (this.writesByIssue.get(id) ?? []).filter(
          (at) => at > now - perIssueWrites.windowMs,
        );
        this.writesByIssue.set(id, recent);
        if (recent.length >= perIssueWrites.limit) {
          freeAt = Math.max(freeAt, (recent[0] as number) + perIssueWrites.windowMs);
        }
      }
      if (freeAt > 0) {
        this.used++;
        this.tally.rejected++;
        return {
          headers: this.headers(limit - this.used),
          refused: { retryAfterSec: this.secondsUntil(freeAt), reason: 'jira-per-issue-on-write' },
        };
      }
      for (const id of writes) this.writesByIssue.get(id)?.push(now);
    }
    this.used++;
    this.tally.accepted++;
    return { headers: this.headers(limit - this.used) };
  }

  /** A request answered before the budget was consulted (an injected fault): counted, not decided. */
  count(): Record<string, string> {
    this.roll();
    this.used++;
    return this.headers(this.options.limit - this.used);
  }
}
