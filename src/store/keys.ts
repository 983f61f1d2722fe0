/**
 * Every Redis key netvalue uses, under the hash-tagged prefix `{<redisPrefix>}` (the same tag as
 * the queues, so Lua scripts and MULTI blocks stay within one Redis Cluster slot).
 */
export interface Keys {
  prefix: string;
  issues(trackerId: string): string;
  trackerState(trackerId: string): string;
  trackerRank(trackerId: string): string;
  planned(trackerId: string): string;
  statusIndex(trackerId: string): string;
  statusCounts(trackerId: string): string;
  keyIndex(trackerId: string): string;
  ranking: string;
  watermarks: string;
  /** Per tracker: when the last complete full reconcile started. */
  lastFull: string;
  audit: string;
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
}

export function redisKeys(redisPrefix: string): Keys {
  const p = `{${redisPrefix}}`;
  return {
    prefix: p,
    issues: (t) => `${p}:issues:${t}`,
    trackerState: (t) => `${p}:state:${t}`,
    trackerRank: (t) => `${p}:rank:${t}`,
    planned: (t) => `${p}:planned:${t}`,
    statusIndex: (t) => `${p}:status:${t}`,
    statusCounts: (t) => `${p}:counts:${t}`,
    keyIndex: (t) => `${p}:keys:${t}`,
    ranking: `${p}:ranking`,
    watermarks: `${p}:watermarks`,
    lastFull: `${p}:last-full`,
    audit: `${p}:audit`,
    run: (r) => `${p}:run:${r}`,
    runFailures: (r) => `${p}:run:${r}:failures`,
    runChanges: (r) => `${p}:run:${r}:changes`,
    runAccounted: (r) => `${p}:run:${r}:accounted`,
    runsByTracker: `${p}:runs`,
    activeRun: (t) => `${p}:active-run:${t}`,
    failures: `${p}:failures`,
    settings: `${p}:settings`,
    writeLock: (t, id) => `${p}:wlock:${t}:${id}`,
    rateLimit: (t) => `${p}:rate:${t}`,
    delivery: (t, d) => `${p}:delivery:${t}:${d}`,
    events: `${p}:events`,
    deployment: `${p}:deployment`,
    snapshots: (t) => `${p}:snapshots:${t}`,
    issueHistory: (t, id) => `${p}:history:${t}:${id}`,
    backlogHistory: (t) => `${p}:history-backlog:${t}`,
    authFailures: (scope, address) => `${p}:auth-failures:${scope}:${address}`,
  };
}
