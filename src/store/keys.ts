/**
 * Every Redis key netvalue uses (docs/architecture.md "Redis layout"). Two kinds of hash tag:
 * deployment-wide keys live under `{<redisPrefix>}`, and each tracker's keys (its issue state,
 * ranking, locks, pace, deliveries, history and its BullMQ queue) under `{<redisPrefix>:<trackerId>}`,
 * so on a Redis Cluster a deployment's trackers spread over the masters while every Lua script,
 * MULTI and multi-key command still touches one tag (one slot). Neither a prefix nor a tracker id
 * may contain `:` (config schema), so the two kinds never collide.
 */
export interface Keys {
  /** The deployment-wide hash tag, `{<redisPrefix>}`. */
  prefix: string;
  /** A tracker's hash tag, `{<redisPrefix>:<trackerId>}`. */
  trackerTag(trackerId: string): string;
  issues(trackerId: string): string;
  trackerState(trackerId: string): string;
  trackerRank(trackerId: string): string;
  planned(trackerId: string): string;
  /** Issues removed from the state (left the scope), by when: stale pages do not bring them back. */
  leftScope(trackerId: string): string;
  /** Review mode: the tracker's pending plan (writes waiting for approval). */
  pendingPlan(trackerId: string): string;
  statusIndex(trackerId: string): string;
  statusCounts(trackerId: string): string;
  keyIndex(trackerId: string): string;
  /** A tracker's part of the unified ranking (members sort in ranking order; merged at read). */
  ranking(trackerId: string): string;
  /** Tracker ids that have a ranking set (which sets the unified ranking merges). */
  rankedTrackers: string;
  watermarks: string;
  /** Per tracker: when the last complete full reconcile started. */
  lastFull: string;
  audit: string;
  /** The last writes of one issue (a short list). */
  auditIssue(trackerId: string, issueId: string): string;
  run(runId: string): string;
  runFailures(runId: string): string;
  runChanges(runId: string): string;
  runAccounted(runId: string): string;
  runsByTracker: string;
  activeRun(trackerId: string): string;
  failures: string;
  settings: string;
  writeLock(trackerId: string, issueId: string): string;
  rateLimit(trackerId: string): string;
  /** The latest plan that orders the tracker's board (a counter; see WriteLocks). */
  orderGeneration(trackerId: string): string;
  /** Rank calls netvalue has made to the tracker's board (a counter; see WriteLocks). */
  rankCalls(trackerId: string): string;
  /** Set while the tracker's scope was checked recently (a TTL; see MetaStore). */
  scopeChecked(trackerId: string): string;
  /** When each tracker's first run (no watermark yet) started: tracker id -> ISO time. */
  firstRuns: string;
  delivery(trackerId: string, deliveryId: string): string;
  events: string;
  /** Tracker id -> the site it syncs: which deployment this prefix belongs to. */
  deployment: string;
  /** Latest webhook snapshot per issue, read by the score job (so a burst loses no update). */
  snapshots(trackerId: string): string;
  /** An issue's score history (capped list, newest first). */
  issueHistory(trackerId: string, issueId: string): string;
  /** The after-sync backlog series of a tracker (`*`: every tracker), by time. */
  backlogHistory(trackerId: string): string;
  /** Failed authentications of one client address in the current minute (`admin`, `webhook`). */
  authFailures(scope: string, address: string): string;
  /** Which key layout the prefix holds (src/store/migrate-layout.ts). */
  layout: string;
  /** Backlog reviews: daily snapshots of the ranking, and the digest's delivery status (ReviewStore). */
  reviewSnapshots: string;
  /** A snapshot being written, window by window (expires if its writer dies). */
  reviewSnapshotDraft(token: string): string;
  reviewDigest: string;
}

/** The deployment-wide hash tag of a prefix. */
export const deploymentTag = (redisPrefix: string): string => `{${redisPrefix}}`;

/** A tracker's hash tag. */
export const trackerTag = (redisPrefix: string, trackerId: string): string =>
  `{${redisPrefix}:${trackerId}}`;

export function redisKeys(redisPrefix: string): Keys {
  const p = deploymentTag(redisPrefix);
  const t = (trackerId: string) => trackerTag(redisPrefix, trackerId);
  return {
    prefix: p,
    trackerTag: t,
    issues: (id) => `${t(id)}:issues`,
    trackerState: (id) => `${t(id)}:state`,
    trackerRank: (id) => `${t(id)}:rank`,
    planned: (id) => `${t(id)}:planned`,
    leftScope: (id) => `${t(id)}:left-scope`,
    pendingPlan: (id) => `${t(id)}:pending-plan`,
    statusIndex: (id) => `${t(id)}:status`,
    statusCounts: (id) => `${t(id)}:counts`,
    keyIndex: (id) => `${t(id)}:keys`,
    ranking: (id) => `${t(id)}:ranking`,
    rankedTrackers: `${p}:ranked-trackers`,
    watermarks: `${p}:watermarks`,
    lastFull: `${p}:last-full`,
    audit: `${p}:audit`,
    auditIssue: (id, issueId) => `${t(id)}:audit:${issueId}`,
    run: (r) => `${p}:run:${r}`,
    runFailures: (r) => `${p}:run:${r}:failures`,
    runChanges: (r) => `${p}:run:${r}:changes`,
    runAccounted: (r) => `${p}:run:${r}:accounted`,
    runsByTracker: `${p}:runs`,
    activeRun: (id) => `${t(id)}:active-run`,
    failures: `${p}:failures`,
    settings: `${p}:settings`,
    writeLock: (id, issueId) => `${t(id)}:wlock:${issueId}`,
    rateLimit: (id) => `${t(id)}:rate`,
    orderGeneration: (id) => `${t(id)}:order-gen`,
    rankCalls: (id) => `${t(id)}:rank-calls`,
    scopeChecked: (id) => `${t(id)}:scope-checked`,
    firstRuns: `${p}:first-runs`,
    delivery: (id, d) => `${t(id)}:delivery:${d}`,
    events: `${p}:events`,
    deployment: `${p}:deployment`,
    snapshots: (id) => `${t(id)}:snapshots`,
    issueHistory: (id, issueId) => `${t(id)}:history:${issueId}`,
    backlogHistory: (id) => (id === '*' ? `${p}:history-backlog:*` : `${t(id)}:history-backlog`),
    authFailures: (scope, address) => `${p}:auth-failures:${scope}:${address}`,
    layout: `${p}:layout`,
    reviewSnapshots: `${p}:review-snapshots`,
    reviewSnapshotDraft: (token) => `${p}:review-snapshot-draft:${token}`,
    reviewDigest: `${p}:review-digest`,
  };
}

/** The hash tag of a key (the text between its first `{` and the next `}`), or the key itself. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}
