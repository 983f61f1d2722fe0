/**
 * Stored data is external data a release later (or after a hand edit): every read parses it with
 * its schema. A value that does not parse is reported and treated as absent, so one bad record
 * never stops a worker and the next pull writes a good one in its place. The stores take the
 * reporter from main.ts, which logs it, counts it and lists it under /admin/failed.
 */
import type { z } from 'zod';

export interface CorruptRecord {
  /** What the value belongs to: an issue's stored parts are re-created by the next pull. */
  subject: 'issue' | 'run' | 'audit' | 'failure';
  /** The tracker the value belongs to. */
  trackerId: string;
  /** The issue id (or run id) it was stored under. */
  id: string;
  /** Which stored part failed, e.g. `issue record`, `tracker state`, `run failures`. */
  field: string;
  /** What was wrong, naming the tracker, id, part and the bad paths. */
  message: string;
}

export type OnCorrupt = (corrupt: CorruptRecord) => void;

export interface StoredAt {
  subject: CorruptRecord['subject'];
  trackerId: string;
  id: string;
  field: string;
}

/**
 * Parses a stored JSON value; null (after reporting) when it is not JSON or has the wrong shape.
 * `check`, when given, accepts a value in its canonical shape without the schema's copy; what it
 * leaves (undefined) the schema judges (stored-checks.ts). `complete`, when given, first fills in
 * what the stored form leaves out (record-codec.ts), so that both judge the whole value.
 */
export function parseStoredJson<T>(
  schema: z.ZodType<T>,
  json: string,
  at: StoredAt,
  onCorrupt: OnCorrupt,
  check?: (raw: unknown) => T | undefined,
  complete: (raw: unknown) => unknown = (raw) => raw,
): T | null {
  let raw: unknown;
  try {
    raw = complete(JSON.parse(json));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    report(at, `not JSON (${reason}): ${json.slice(0, 80)}`, onCorrupt);
    return null;
  }
  const checked = check?.(raw);
  return checked !== undefined ? checked : parseStored(schema, raw, at, onCorrupt);
}

/** Parses an already decoded stored value (e.g. a hash's fields). */
export function parseStored<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  at: StoredAt,
  onCorrupt: OnCorrupt,
): T | null {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : '(value)'}: ${i.message}`,
  );
  report(at, problems.join('; '), onCorrupt);
  return null;
}

function report(at: StoredAt, problem: string, onCorrupt: OnCorrupt): void {
  onCorrupt({
    ...at,
    message: `corrupt ${at.field} of ${at.trackerId}/${at.id}: ${problem}`,
  });
}
