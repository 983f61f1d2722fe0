/**
 * The audit log of every write: one capped stream for the whole deployment plus a short list per
 * issue (under its tracker's hash tag), so an issue's history is one read rather than a scan of
 * the stream.
 */
import type { RedisClient } from './redis-client.js';
import { z } from 'zod';
import { parseStored, parseStoredJson, type OnCorrupt } from './corrupt.js';
import type { Keys } from './keys.js';
import { TaggedBatch } from './tagged-batch.js';

/** One audit entry, as stored and as the admin API answers it. */
export const AuditEntrySchema = z.object({
  at: z.string(),
  trackerId: z.string(),
  issueId: z.string(),
  key: z.string(),
  field: z.string(),
  from: z.string(),
  to: z.string(),
  why: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const STREAM_MAX = 100_000;
const PER_ISSUE_MAX = 50;

const show = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

export class AuditLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** Told about every stored entry that does not parse (it is then left out). */
    private readonly onCorrupt: OnCorrupt,
  ) {}

  /** Appends entries in one round trip. */
  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const batch = new TaggedBatch(this.redis, 'pipeline');
    this.addTo(batch, entries);
    await batch.exec();
  }

  /** Adds the entries to a caller's MULTI (a write unit's results are recorded in one). */
  addTo(batch: TaggedBatch, entries: readonly AuditEntry[]): void {
    for (const e of entries) {
      const fields = [
        'at',
        e.at,
        'trackerId',
        e.trackerId,
        'issueId',
        e.issueId,
        'key',
        e.key,
        'field',
        e.field,
        'from',
        e.from,
        'to',
        e.to,
        'why',
        e.why,
      ];
      batch.at(this.keys.audit).xadd(this.keys.audit, 'MAXLEN', '~', STREAM_MAX, '*', ...fields);
      const perIssue = this.keys.auditIssue(e.trackerId, e.issueId);
      batch
        .at(perIssue)
        .lpush(perIssue, JSON.stringify(e))
        .ltrim(perIssue, 0, PER_ISSUE_MAX - 1);
    }
  }

  static entry(base: Omit<AuditEntry, 'from' | 'to'>, from: unknown, to: unknown): AuditEntry {
    return { ...base, from: show(from), to: show(to) };
  }

  /**
   * Review mode: who approved or discarded a pending item, and when (`at`). Field `review`; `to`
   * says what the item asked for; the writes that follow an approval are logged as usual.
   */
  static review(
    base: Omit<AuditEntry, 'from' | 'to' | 'field' | 'why'>,
    decision: 'approved' | 'discarded',
    by: string,
    asked: string,
  ): AuditEntry {
    return { ...base, field: 'review', from: '', to: asked, why: `${decision} by ${by}` };
  }

  /** Newest first. */
  async recent(limit: number, filter: { trackerId?: string } = {}): Promise<AuditEntry[]> {
    const raw = await this.redis.xrevrange(
      this.keys.audit,
      '+',
      '-',
      'COUNT',
      filter.trackerId ? limit * 10 : limit,
    );
    const entries = raw.map(([streamId, fields]) => {
      const o: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2)
        o[fields[i] as string] = fields[i + 1] as string;
      const at = {
        subject: 'audit' as const,
        trackerId: o['trackerId'] ?? '?',
        id: streamId,
        field: 'audit entry',
      };
      return parseStored(AuditEntrySchema, o, at, this.onCorrupt);
    });
    return entries
      .filter((e): e is AuditEntry => e !== null)
      .filter((e) => !filter.trackerId || e.trackerId === filter.trackerId)
      .slice(0, limit);
  }

  async forIssue(trackerId: string, issueId: string): Promise<AuditEntry[]> {
    const raw = await this.redis.lrange(this.keys.auditIssue(trackerId, issueId), 0, -1);
    const at = { subject: 'audit' as const, trackerId, id: issueId, field: 'audit entry' };
    return raw
      .map((json) => parseStoredJson(AuditEntrySchema, json, at, this.onCorrupt))
      .filter((e): e is AuditEntry => e !== null);
  }
}
