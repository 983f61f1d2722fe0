/**
 * The sandbox's rate budget: Linear's quotas for a personal API key (2,500 requests and 3,000,000
 * complexity points per hour), reported on every answer in Linear's headers with resets in epoch
 * milliseconds. Linear refills a leaky bucket continuously; fixed windows are enough here.
 *
 * `timeScale` shrinks the window (an hour at scale 1, 2 s at scale 1,800) so a benchmark meets the
 * budget within a minute; the budgets stay per window. Every window's use is tallied (`windows`),
 * so a benchmark can compare what was sent with what the budget allowed, and every operation's
 * complexity (`usage`), so the cost of a query per issue is measurable.
 */
const HOUR_MS = 3_600_000;

export interface RateOptions {
  requestsPerHour?: number;
  complexityPerHour?: number;
  /** The window is one hour divided by this (default 1). */
  timeScale?: number;
}

/** One window's use: requests accepted, requests refused (RATELIMITED), complexity spent. */
export interface WindowTally {
  startMs: number;
  accepted: number;
  rejected: number;
  complexity: number;
}

/** Requests and complexity points by GraphQL operation. */
export type OperationUsage = Map<string, { requests: number; complexity: number }>;

export class RateWindow {
  readonly requestsLimit: number;
  readonly complexityLimit: number;
  readonly windowMs: number;
  requestsRemaining: number;
  complexityRemaining: number;
  readonly windows: WindowTally[] = [];
  readonly usage: OperationUsage = new Map();
  private windowStartMs = Date.now();

  constructor(options: RateOptions = {}) {
    this.requestsLimit = options.requestsPerHour ?? 2_500;
    this.complexityLimit = options.complexityPerHour ?? 3_000_000;
    this.windowMs = HOUR_MS / (options.timeScale ?? 1);
    this.requestsRemaining = this.requestsLimit;
    this.complexityRemaining = this.complexityLimit;
    this.windows.push(this.newTally());
  }

  private newTally(): WindowTally {
    return { startMs: this.windowStartMs, accepted: 0, rejected: 0, complexity: 0 };
  }

  get resetAtMs(): number {
    const now = Date.now();
    if (now >= this.windowStartMs + this.windowMs) {
      // Windows follow each other without gaps, even across idle ones.
      const passed = Math.floor((now - this.windowStartMs) / this.windowMs);
      this.windowStartMs += passed * this.windowMs;
      this.requestsRemaining = this.requestsLimit;
      this.complexityRemaining = this.complexityLimit;
      this.windows.push(this.newTally());
      if (this.windows.length > 1000) this.windows.splice(0, 1);
    }
    return this.windowStartMs + this.windowMs;
  }

  private get tally(): WindowTally {
    return this.windows[this.windows.length - 1] as WindowTally;
  }

  /** Whether a request of this complexity fits what is left; counts it either way. */
  admit(complexity: number): boolean {
    void this.resetAtMs;
    if (this.requestsRemaining <= 0 || complexity > this.complexityRemaining) {
      this.tally.rejected++;
      return false;
    }
    this.requestsRemaining--;
    this.complexityRemaining -= complexity;
    this.tally.accepted++;
    this.tally.complexity += complexity;
    return true;
  }

  /** Complexity spent by an operation (an accepted request). */
  record(operation: string, complexity: number): void {
    const used = this.usage.get(operation) ?? { requests: 0, complexity: 0 };
    used.requests++;
    used.complexity += complexity;
    this.usage.set(operation, used);
  }

  headers(complexity: number, resetAtMs = this.resetAtMs): Record<string, string> {
    return {
      'x-ratelimit-requests-limit': String(this.requestsLimit),
      'x-ratelimit-requests-remaining': String(Math.max(0, this.requestsRemaining)),
      'x-ratelimit-requests-reset': String(resetAtMs),
      'x-ratelimit-complexity-limit': String(this.complexityLimit),
      'x-ratelimit-complexity-remaining': String(Math.max(0, Math.floor(this.complexityRemaining))),
      'x-ratelimit-complexity-reset': String(resetAtMs),
      'x-complexity': String(Math.ceil(complexity)),
    };
  }
}
