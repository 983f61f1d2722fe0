import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type {
  Issue,
  IssueRef,
  NetValue,
  RankBatch,
  RankPlan,
  TrackerError,
  TrackerRank,
  WebhookParseResult,
  WriteField,
  WriteValues,
} from '../src/domain/index.js';

/**
 * The one interface every tracker implements (connectors/<kind>/index.ts). It says what a tracker
 * does, never which tracker it is: read pages, read one issue, write values, change the tracker's
 * own order, parse webhooks. Every method that talks to the tracker throws (or, for `write`,
 * returns) a `TrackerError` (src/domain/tracker-error.ts), classified so workers know whether to
 * pause, retry or give up. See docs/architecture.md ("The Connector contract").
 */
export interface Connector {
  readonly trackerId: string;
  readonly kind: string;
  /**
   * The values this tracker holds, as its config enables them. The planner reads the unified
   * ranking's positions only for a tracker that holds `rankPosition`.
   */
  readonly writes: ReadonlySet<WriteField>;

  /** One page of issues in scope; `sinceIso` null means a full pull. */
  pullPage(req: PullRequest): Promise<PullPage>;
  /** One issue by id, or null when it is gone or outside the configured scope. */
  fetchIssue(id: string): Promise<Issue | null>;
  /**
   * Several issues by id in as few calls as the tracker allows (Jira: one search per 50), each
   * null when gone or out of scope. Absent where one read per issue is all the tracker offers.
   */
  fetchIssues?(ids: readonly string[]): Promise<Map<string, Issue | null>>;
  /**
   * Ids of issues updated since `sinceIso` that are outside the scope now (cheap: ids only), as
   * an incremental pull's `removedIds`. Asked on its own when a long run holds the tracker, so
   * an issue that left the scope does not wait for that run to end before it stops being written.
   */
  leftScope(sinceIso: string): Promise<string[]>;
  /** Which values this tracker should hold for a scored issue (only the fields config enables). */
  desired(target: WriteTarget): WriteValues;
  /** Items per `write` call (Jira: 1, one edit per issue; Linear: 25 aliased mutations). */
  readonly maxWriteBatch: number;
  /**
   * Sends up to `maxWriteBatch` issues' changes (callers pass only values that differ). Resolves
   * one entry per item, in order: written (null, or `WriteLanded` when the tracker says when),
   * else that item's `TrackerError`; one bad item never fails the others.
   */
  write(items: readonly WriteItem[]): Promise<WriteResult[]>;
  /** How the tracker's own order follows the ranking; null when config leaves the order alone. */
  readonly order: TrackerOrder | null;
  /**
   * Verifies the signature on the raw body, then parses. Never throws. The event carries the issue
   * (`event.issue`, scored without a read) only when the payload holds everything the issue and
   * the configured scope need; otherwise null, and the score job reads it through `fetchIssue`
   * (Jira: the JQL cannot be evaluated on a payload; Linear: its team and state filter can).
   */
  parseWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, nowMs: number): WebhookParseResult;
  /** Remaining API budget from the latest response headers, when the tracker reports it. */
  budget(): RateBudget | null;
  /** How many HTTP requests this connector has sent, by kind (for metrics and benchmarks). */
  requestCounts(): { reads: number; writes: number };
  /**
   * What `create` learned from the tracker (Jira field ids, Linear teams and label groups), as
   * plain data a worker thread can post: `ConnectorModule.offline` builds a connector from it.
   */
  readonly learned: unknown;
}

/**
 * A write the tracker accepted and dated by its own clock (Linear answers the issue's `updatedAt`).
 * A webhook's snapshot is then told apart as taken before or after our write on one clock, the
 * tracker's: ours can be seconds away from it (docs/architecture.md, "When a write landed").
 */
export interface WriteLanded {
  landedAt: string;
}

/** One item's answer from `write`: null (written), `WriteLanded` (written, dated) or its error. */
export type WriteResult = TrackerError | WriteLanded | null;

/** The tracker's time of a write, when its answer gave one. */
export function landedAtOf(result: unknown): string | null {
  if (typeof result !== 'object' || result === null || !('landedAt' in result)) return null;
  const { landedAt } = result;
  return typeof landedAt === 'string' && Number.isFinite(Date.parse(landedAt)) ? landedAt : null;
}

/** Whether an item's answer from `write` says written (null, or dated). */
export function written(result: unknown): boolean {
  return (
    result === null || result === undefined || (typeof result === 'object' && 'landedAt' in result)
  );
}

/** The item's error, or null when it was written. */
export function writeError(result: WriteResult | undefined): TrackerError | null {
  return written(result) ? null : (result as TrackerError);
}

/** What of a connector reaches its tracker; `offlineCalls` stands in where nothing may. */
export type TrackerCalls = Pick<
  Connector,
  'pullPage' | 'fetchIssue' | 'fetchIssues' | 'leftScope' | 'write' | 'budget' | 'requestCounts'
> & {
  /** Applies one order step (`TrackerOrder.apply`). */
  applyOrder(step: OrderStep): Promise<void>;
  /** `TrackerOrder.currentRanks`, when the tracker can read its order cheaply. */
  currentRanks?(): Promise<Map<string, TrackerRank>>;
};

/**
 * The calls of an offline connector (`ConnectorModule.offline`): each one refuses, saying where
 * the calls are made. serve's HTTP thread holds such connectors; its job thread makes the calls.
 */
export function offlineCalls(trackerId: string): TrackerCalls {
  const refuse = (what: string) => () =>
    Promise.reject(
      new Error(
        `tracker ${trackerId}: this connector makes no tracker call (${what}); serve's job thread makes them`,
      ),
    );
  return {
    pullPage: refuse('pull a page'),
    fetchIssue: refuse('read an issue'),
    fetchIssues: refuse('read issues'),
    leftScope: refuse('read the issues that left the scope'),
    write: refuse('write'),
    applyOrder: refuse('change the order'),
    budget: () => null,
    requestCounts: () => ({ reads: 0, writes: 0 }),
  };
}

/**
 * A tracker's own ordering: the planner decides the fewest moves (src/scoring/plan-moves.ts,
 * tracker-neutral); the connector turns them into its tracker's calls.
 */
export interface TrackerOrder {
  /**
   * Pure: the tracker's changes for `plan`, given each issue's current rank as the tracker holds
   * it (Jira: LexoRank strings; Linear: `prioritySortOrder` numbers).
   */
  plan(plan: RankPlan, ranks: ReadonlyMap<string, TrackerRank>): OrderChanges;
  /**
   * Applies one step (one API call): its issues end up, in order, before or after the anchor and
   * hold `step.ranks`. Steps are applied in the order planned.
   */
  apply(step: OrderStep): Promise<void>;
  /**
   * Optional: the tracker's current ranks of the issues in scope, read cheaply (ids and ranks
   * only), for when stored ranks may be stale. The planner calls it only when a plan built on
   * stored ranks has moves, then plans again on what it returns.
   */
  currentRanks?(): Promise<Map<string, TrackerRank>>;
}

export interface OrderChanges {
  /** Values that ride on `write` with the issue's other changes (Linear: `sortKey`). */
  values: ReadonlyMap<string, WriteValues>;
  /** Calls applied in order by one rank job (Jira: up to 50 issues before/after an anchor). */
  steps: OrderStep[];
}

/** One order call: a rank batch plus the rank each of its issues holds afterwards. */
export interface OrderStep extends RankBatch {
  ranks: Record<string, TrackerRank>;
}

export interface WriteItem {
  ref: IssueRef;
  changes: WriteValues;
}

export interface PullRequest {
  /** Opaque cursor from the previous page; null for the first page. */
  cursor: string | null;
  /** Incremental pull: issues updated at or after this ISO time (the connector applies an overlap). */
  sinceIso: string | null;
}

export interface PullPage {
  issues: Issue[];
  /** Null on the last page. */
  nextCursor: string | null;
  /**
   * Incremental pulls, optional: ids of issues updated since `sinceIso` that are now outside the
   * scope (leavers), so they leave the ranking before the next full reconcile. May name issues
   * netvalue never held; those are ignored.
   */
  removedIds?: string[];
}

export interface WriteTarget {
  result: NetValue;
  /** 1-based position in the unified ranking; null when unscored/invalid. */
  rankPosition: number | null;
  /** Priority bucket (2 high, 3 medium, 4 low) or null when unscored/invalid. */
  priority: number | null;
}

export interface CheckReport {
  ok: boolean;
  lines: { ok: boolean; text: string }[];
}

export interface RateBudget {
  requestsRemaining: number | null;
  requestsLimit: number | null;
  /** Epoch ms when the request budget resets. */
  resetAtMs: number | null;
  /**
   * A second budget of points per request (Linear's complexity), when the tracker has one: what
   * is left, the limit, when it resets and the running average cost of our requests. The pace
   * follows whichever budget runs out first (RateLimiter.followBudget).
   */
  complexityRemaining?: number | null;
  complexityLimit?: number | null;
  complexityResetAtMs?: number | null;
  complexityPerRequest?: number | null;
}

/** Things a connector receives from main.ts besides its own config. */
export interface ConnectorDeps {
  /** Base URL of this service, for links back (Linear attachment URL). */
  publicUrl: string;
}

/** The fields every `trackers[]` entry has (see connectors/tracker-base.ts). */
export interface TrackerConfigBase {
  id: string;
  kind: string;
  webhookSecret?: string | undefined;
  timeoutMs: number;
  writesPerSec: number;
}

/**
 * What each connector folder's index.ts exports (e.g. `jiraModule`), so adding a tracker means
 * adding a folder and one line in connectors/registry.ts.
 */
export interface ConnectorModule<
  S extends z.ZodType<TrackerConfigBase> = z.ZodType<TrackerConfigBase>,
> {
  /** The `kind` of its `trackers[]` entries and the path of its webhook route. */
  readonly kind: string;
  /** For people: "Jira", "Linear". */
  readonly displayName: string;
  /** How its webhooks are signed, for the OpenAPI document. */
  readonly webhookSignature: string;
  /** The (lower-case) header carrying the signature: redacted from every log line. */
  readonly signatureHeader: string;
  readonly configSchema: S;
  /**
   * The site a tracker entry syncs (Jira: the site URL; Linear: the API URL and teams), recorded
   * under the Redis prefix so two deployments never share one prefix by mistake.
   */
  site(config: z.infer<S>): string;
  /**
   * Builds the client and resolves what the tracker must provide (Jira field ids, Linear teams and
   * label groups). Throws `TrackerError` with a message that says what to fix.
   */
  create(config: z.infer<S>, deps: ConnectorDeps): Promise<Connector>;
  /**
   * A connector from what `create` learned (`Connector.learned`, sent by another thread), that
   * makes no tracker call: it verifies and parses webhooks, maps results to values and plans
   * orders; its calls refuse (`offlineCalls`). Loads no tracker SDK, so serve's HTTP thread does
   * not pay for one (README "Performance"). Throws when `learned` is not this kind's.
   */
  offline(config: z.infer<S>, learned: unknown, deps: ConnectorDeps): Connector;
  /** Reaches the tracker and reports credentials, fields/teams and writability. Never throws. */
  check(config: z.infer<S>, deps: ConnectorDeps): Promise<CheckReport>;
}
