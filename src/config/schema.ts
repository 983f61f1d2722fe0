import { z } from 'zod';
import { TrackerConfig } from '../../connectors/tracker-config.js';
import { ownSecret } from '../domain/secrets.js';
import { ReviewsConfig } from '../review/config.js';
import { DEFAULT_SCORING_SETTINGS as D } from '../scoring/defaults.js';

const Server = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(3000),
    /** Base URL people and trackers reach this service at (links in Linear attachments). */
    publicUrl: z.url().optional(),
    /** Largest webhook/admin body accepted. */
    bodyLimitBytes: z.number().int().positive().default(1_048_576),
    /** A signed webhook body whose timestamp is further than this from now is refused (replay). */
    webhookMaxAgeSec: z.number().int().positive().default(3_600),
    /** Longest a client may take to send a whole request (headers and body); 408 after it. */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** A socket with no traffic for this long is closed. */
    connectionTimeoutMs: z.number().int().positive().default(60_000),
    /** How long an idle keep-alive connection waits for its next request. */
    keepAliveTimeoutMs: z.number().int().positive().default(10_000),
    /** Failed admin tokens or webhook signatures per client address per minute before 429. */
    authFailuresPerMinute: z.number().int().positive().default(10),
    /**
     * Whether the client address comes from X-Forwarded-For (behind a reverse proxy): `true`, or
     * the proxies' addresses/CIDRs, comma-separated (`10.0.0.0/8,127.0.0.1`); off by default.
     */
    trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
  })
  .strict();

const Scoring = z
  .object({
    /** Months of Value counted against the one-off Cost. */
    horizonMonths: z.number().positive().default(D.horizonMonths),
    hourlyRateUsd: z.number().nonnegative().default(D.hourlyRateUsd),
    hoursPerPoint: z.number().positive().default(D.hoursPerPoint),
    /** `unscored`: a missing input leaves the issue unscored; `zero`: it counts as 0. */
    missingInput: z.enum(['unscored', 'zero']).default(D.missingInput),
    /** Net value ($) at or above which an issue is High / Medium priority; below: Low. */
    priorityThresholdsUsd: z
      .object({
        high: z.number().default(D.priorityThresholdsUsd.high),
        medium: z.number().default(D.priorityThresholdsUsd.medium),
      })
      .strict()
      .default({ ...D.priorityThresholdsUsd })
      .refine((t) => t.high >= t.medium, 'high must be at least medium'),
    /** What scored issues rank by: the expected net value, or its P10 (risk-averse). */
    rankBy: z.enum(['expected', 'p10']).default(D.rankBy),
    /** `netValue`: by net value; `cd3`: issues worth doing first by CD3 (cost of delay / duration). */
    order: z.enum(['netValue', 'cd3']).default(D.order),
    /** Business metrics a Value may be given as an impact on (`+5% signups`), by id. */
    metrics: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'letters, digits, _ and - only'),
        z
          .object({
            /** For explanations: `sign-up revenue`. */
            name: z.string().min(1),
            /** What the metric is worth per month, in $. */
            baselineUsdPerMonth: z.number().nonnegative(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

const Sync = z
  .object({
    /** Incremental sync period per tracker. */
    intervalSec: z.number().int().positive().default(300),
    /** Full reconcile period per tracker. */
    fullEverySec: z.number().int().positive().default(86_400),
    /** Quiet time after the last webhook before the rank planner runs. */
    rankSettleMs: z.number().int().nonnegative().default(2000),
  })
  .strict();

export const ConfigSchema = z
  .object({
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    /**
     * Seed nodes of a Redis Cluster (`redis://host:port`, a password as in redisUrl). When
     * non-empty, netvalue connects to the cluster and redisUrl is not used.
     */
    redisClusterNodes: z
      .array(z.string().regex(/^rediss?:\/\/[^/]+:\d+\/?$/, 'must be redis://host:port'))
      .default([]),
    /** Every key and queue lives under it, so deployments can share one Redis. */
    redisPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('netvalue'),
    server: Server.prefault({}),
    /** No default: at least 32 characters, not a placeholder (src/domain/secrets.ts). */
    adminToken: ownSecret().optional(),
    scoring: Scoring.default({
      ...D,
      priorityThresholdsUsd: { ...D.priorityThresholdsUsd },
      metrics: {},
    }),
    sync: Sync.default({ intervalSec: 300, fullEverySec: 86_400, rankSettleMs: 2000 }),
    /** Backlog reviews: the scheduled digest (README "Backlog reviews"). */
    reviews: ReviewsConfig.prefault({}),
    /** Workers per process for the score and write queues. */
    concurrency: z.number().int().positive().default(16),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    trackers: z.array(TrackerConfig).min(1, 'configure at least one tracker'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.trackers.forEach((t, i) => {
      const first = seen.get(t.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['trackers', i, 'id'],
          message: `duplicate tracker id '${t.id}' (also trackers[${first}])`,
        });
      } else seen.set(t.id, i);
    });
  });

export type Config = z.infer<typeof ConfigSchema>;
