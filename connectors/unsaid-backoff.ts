/**
 * The pause after a 429 that does not say how long (no Retry-After, no reset time): a bare 429 from
 * a gateway or proxy in front of the tracker. Jira's guidance is exponential backoff doubling to a
 * cap (docs/architecture.md, "Rate limits"): 1 s, 2 s, 4 s, ... up to `capMs`, back to 1 s after
 * any answer that is not such a 429. A fixed pause at the cap for each one stopped the tracker most
 * of the time when a few percent of answers were bare 429s (the soak: a first sync of Jira took
 * the whole 10-minute run).
 */
export class UnsaidBackoff {
  private streak = 0;

  constructor(
    private readonly capMs: number,
    private readonly firstMs = 1_000,
  ) {}

  /** The pause for one more bare 429 in a row. */
  next(): number {
    const ms = Math.min(this.capMs, this.firstMs * 2 ** this.streak);
    if (ms < this.capMs) this.streak++;
    return ms;
  }

  /** The tracker answered: the next bare 429 starts again from the first step. */
  reset(): void {
    this.streak = 0;
  }
}
