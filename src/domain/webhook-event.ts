import type { Issue } from './issue.js';

/** A verified, parsed webhook delivery, tracker-neutral. */
export interface WebhookEvent {
  trackerId: string;
  /** The tracker's delivery id (same on retries): the de-duplication key. */
  deliveryId: string;
  action: 'upsert' | 'remove';
  issueId: string;
  key: string;
  /** Field ids or names that changed, as the tracker reports them (empty when unknown). */
  changedFields: string[];
  actorId: string | null;
  /** Every change is one of netvalue's own write-back fields: an echo of our own write. */
  echoOnly: boolean;
  /** When the payload carries the whole issue with its inputs, mapped; no extra read is needed. */
  issue: Issue | null;
  /** When the tracker sent the event (ms since epoch), for event-to-write latency. */
  sentAtMs: number;
}

/**
 * Not an event: 401 (signature, age), 400 (malformed), or 200 for a genuine, verified delivery
 * netvalue has no use for (e.g. a comment event), answered 200 because trackers retry failed
 * deliveries and may disable a webhook that keeps failing.
 */
export type WebhookParseResult =
  | { ok: true; event: WebhookEvent }
  | { ok: false; status: 200 | 400 | 401; code: string; message: string };
