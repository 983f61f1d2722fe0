/**
 * The sandbox's rate budget: Linear's quotas for a personal API key (2,500 requests and 3,000,000
 * complexity points per hour), reported on every answer in Linear's headers with resets in epoch
 * milliseconds. Linear refills a leaky bucket continuously; fixed one-hour windows are enough here.
 */
const HOUR_MS = 3_600_000;

export class RateWindow {
  requestsRemaining: number;
  complexityRemaining: number;
  private windowStartMs = Date.now();

  constructor(
    readonly requestsLimit = 2_500,
    readonly complexityLimit = 3_000_000,
  ) {
    this.requestsRemaining = requestsLimit;
    this.complexityRemaining = complexityLimit;
  }
  get resetAtMs(): number {
    if (Date.now() >= this.windowStartMs + HOUR_MS) {
      this.windowStartMs = Date.now();
      this.requestsRemaining = this.requestsLimit;
      this.complexityRemaining = this.complexityLimit;
    }
    return this.windowStartMs + HOUR_MS;
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
