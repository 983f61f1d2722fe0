/**
 * The audit log of every write: one capped stream for the whole deployment plus a short list per
 * issue, so an issue's history is one read rather than a scan of the stream.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export interface AuditEntry {
  at: string;
  trackerId: string;
  issueId: string;
  key: string;
  field: string;
  from: string;
  to: string;
  why: string;
}

const STREAM_MAX = 100_000;
const PER_ISSUE_MAX = 50;

const show = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);

export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Appends entries in one round trip. */
  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
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
      pipeline.xadd(this.keys.audit, 'MAXLEN', '~', STREAM_MAX, '*', ...fields);
      const perIssue = `${this.keys.audit}:${e.trackerId}:${e.issueId}`;
      pipeline.lpush(perIssue, JSON.stringify(e)).ltrim(perIssue, 0, PER_ISSUE_MAX - 1);
    }
    await pipeline.exec();
  }

  static entry(base: Omit<AuditEntry, 'from' | 'to'>, from: unknown, to: unknown): AuditEntry {
    return { ...base, from: show(from), to: show(to) };
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
    const entries = raw.map(([, fields]) => {
      const o: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2)
        o[fields[i] as string] = fields[i + 1] as string;
      return o as unknown as AuditEntry;
    });
    return entries
      .filter((e) => !filter.trackerId || e.trackerId === filter.trackerId)
      .slice(0, limit);
  }

  async forIssue(trackerId: string, issueId: string): Promise<AuditEntry[]> {
    const raw = await this.redis.lrange(`${this.keys.audit}:${trackerId}:${issueId}`, 0, -1);
    return raw.map((j) => JSON.parse(j) as AuditEntry);
  }
}
