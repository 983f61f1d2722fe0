import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type {
  Issue,
  IssueRef,
  NetValue,
  RankBatch,
  TrackerError,
  TrackerKind,
  WebhookParseResult,
  WriteValues,
} from '../src/domain/index.js';

/**
 * The one interface every tracker implements (connectors/<kind>/index.ts). Kept small on purpose:
 * read pages, read one issue, write values, apply rank batches, parse webhooks, check the setup.
 * Every method that talks to the tracker throws `TrackerError` (src/domain/tracker-error.ts) on
 * failure, classified so workers know whether to pause, retry or give up.
 */
export interface Connector {
  readonly trackerId: string;
  readonly kind: TrackerKind;
  /**
   * How the tracker's own order is changed:
   * - `batch`: `applyRankBatch` places up to `maxRankBatch` issues before/after an anchor (Jira);
   * - `sortKey`: each moved issue gets a new numeric `sortKey` through `write` (Linear);
   * - `none`: rank write-back is disabled in config.
   */
  readonly rankStyle: 'batch' | 'sortKey' | 'none';
  readonly maxRankBatch: number;

  /** One page of issues in scope; `sinceIso` null means a full pull. */
  pullPage(req: PullRequest): Promise<PullPage>;
  /** One issue by id, or null when it is gone or outside the configured scope. */
  fetchIssue(id: string): Promise<Issue | null>;
  /** Which values this tracker should hold for a scored issue (only the fields config enables). */
  desired(target: WriteTarget): WriteValues;
  /** Sends the given changes in one call. Callers pass only values that differ. */
  write(issue: IssueRef, changes: WriteValues): Promise<void>;
  /**
   * Optional: several issues' changes in one request (Linear: aliased mutations), so a sync of N
   * issues costs N / maxWriteBatch requests of the tracker's budget. Resolves one entry per item:
   * null when written, else the item's `TrackerError`. Callers fall back to `write` without it.
   */
  writeMany?(items: readonly WriteItem[]): Promise<(TrackerError | null)[]>;
  /** Items per `writeMany` call. */
  readonly maxWriteBatch?: number;
  /** Places issues before/after an anchor (rankStyle `batch` only). */
  applyRankBatch(batch: RankBatch): Promise<void>;
  /** Verifies the signature on the raw body, then parses. Never throws. */
  parseWebhook(headers: IncomingHttpHeaders, rawBody: Buffer, nowMs: number): WebhookParseResult;
  /** Remaining API budget from the latest response headers, when the tracker reports it. */
  budget(): RateBudget | null;
  /** How many HTTP requests this connector has sent, by kind (for metrics and benchmarks). */
  requestCounts(): { reads: number; writes: number };
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
  complexityRemaining?: number | null;
}

/** Things a connector receives from main.ts besides its own config. */
export interface ConnectorDeps {
  /** Base URL of this service, for links back (Linear attachment URL). */
  publicUrl: string;
}

/**
 * What each connector folder's index.ts exports (e.g. `jiraModule`), so adding a tracker means
 * adding a folder and one line in connectors/registry.ts.
 */
export interface ConnectorModule<C extends { id: string; kind: TrackerKind }> {
  readonly kind: TrackerKind;
  readonly configSchema: z.ZodType<C>;
  /**
   * Builds the client and resolves what the tracker must provide (Jira field ids, Linear teams and
   * label groups). Throws `TrackerError` with a message that says what to fix.
   */
  create(config: C, deps: ConnectorDeps): Promise<Connector>;
  /** Reaches the tracker and reports credentials, fields/teams and writability. Never throws. */
  check(config: C, deps: ConnectorDeps): Promise<CheckReport>;
}
