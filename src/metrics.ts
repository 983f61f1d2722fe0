/**
 * Prometheus metrics of one process. A registry per instance (not prom-client's global one), so
 * tests and several servers in one process never share counters.
 */
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';

export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

export class Metrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: 'netvalue_webhooks_total',
    help: 'Webhook deliveries by tracker and outcome (queued, duplicate, echo, rejected, ...).',
    labelNames: ['tracker', 'outcome'],
    registers: [this.registry],
  });
  readonly webhookAck = new Histogram({
    name: 'netvalue_webhook_ack_seconds',
    help: 'Time from receiving a webhook to answering it.',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  readonly eventToWrite = new Histogram({
    name: 'netvalue_event_to_write_seconds',
    help: 'Time from receiving a webhook to the tracker accepting the resulting write.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly writes = new Counter({
    name: 'netvalue_writes_total',
    help: 'Writes to trackers by tracker and result (written, failed).',
    labelNames: ['tracker', 'result'],
    registers: [this.registry],
  });
  readonly apiErrors = new Counter({
    name: 'netvalue_api_errors_total',
    help: 'Tracker API errors by tracker and class (rate_limited, transient, permanent, not_found).',
    labelNames: ['tracker', 'class'],
    registers: [this.registry],
  });
  readonly rateLimitWaits = new Counter({
    name: 'netvalue_rate_limit_wait_seconds_total',
    help: 'Time spent waiting for a tracker rate limit (ours or the tracker-imposed one).',
    labelNames: ['tracker'],
    registers: [this.registry],
  });
  readonly corruptRecords = new Counter({
    name: 'netvalue_corrupt_records_total',
    help: 'Stored values that did not parse (read as absent; the next pull re-creates them).',
    labelNames: ['tracker', 'field'],
    registers: [this.registry],
  });
  readonly syncDuration = new Histogram({
    name: 'netvalue_sync_duration_seconds',
    help: 'Sync run durations by tracker and kind (full, incremental).',
    labelNames: ['tracker', 'kind'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  readonly issues = new Gauge({
    name: 'netvalue_issues',
    help: 'Issues in state by status (scored, unscored, invalid).',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly reviewDigests = new Counter({
    name: 'netvalue_review_digests_total',
    help: 'Review digest delivery attempts by result (delivered, failed), in this process.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  /**
   * Where the digest's consecutive failures are read at scrape time (main.ts sets it to the
   * stored status: the worker that sends may be another process). Null: the gauge stays 0.
   */
  readDigestFailures: (() => Promise<number>) | null = null;
  readonly reviewDigestFailures: Gauge = new Gauge({
    name: 'netvalue_review_digest_consecutive_failures',
    help: 'Review digest delivery attempts that failed since the last one delivered (0: fine).',
    registers: [this.registry],
    collect: async () => {
      const read = this.readDigestFailures;
      if (read === null) return;
      // A Redis that does not answer keeps the last value rather than stalling the scrape.
      const failures = await Promise.race([
        read().catch(() => null),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000).unref()),
      ]);
      if (failures !== null) this.reviewDigestFailures.set(failures);
    },
  });
  readonly jobs = new Gauge({
    name: 'netvalue_jobs',
    help: 'Jobs by queue and state.',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });

  /**
   * The exposition text, with the counters and histograms of the job thread added (`serve` runs
   * its jobs in one: src/cli/job-thread.ts). Gauges are this registry's own: they are read from
   * Redis at scrape time, and the thread's would count the same things twice.
   */
  async render(extra: MetricsJson = []): Promise<string> {
    if (extra.length === 0) return this.registry.metrics();
    // prom-client types `type` as a numeric enum; the JSON it produces holds the name.
    const kindOf = (m: MetricsJson[number]) => String(m.type);
    const counted = extra.filter((m) => kindOf(m) === 'counter' || kindOf(m) === 'histogram');
    const own = await this.registry.getMetricsAsJSON();
    return AggregatorRegistry.aggregate([own, counted]).metrics();
  }
}
