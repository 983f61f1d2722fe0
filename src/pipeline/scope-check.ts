/** Writes only to issues still in their tracker's scope (docs/architecture.md, Connector table). */
import type { IssueRecord } from '../store/issue-record.js';
import { connectorFor, type PipelineContext } from './context.js';

/**
 * The records whose issues still match the tracker's scope (Connector.inScope); the others are
 * forgotten, never written. A failed check fails the job's issues transiently (retried).
 */
export async function keepInScope(
  ctx: PipelineContext,
  records: IssueRecord[],
  outcome: { transient: { id: string; key: string; message: string }[] },
): Promise<IssueRecord[]> {
  const trackerId = records[0]?.trackerId;
  if (trackerId === undefined) return records;
  const connector = connectorFor(ctx, trackerId);
  if (!connector.inScope) return records;
  let inScope: Set<string>;
  try {
    inScope = await connector.inScope(records.map((r) => r.id));
  } catch (err) {
    const message = `could not check the scope: ${err instanceof Error ? err.message : String(err)}`;
    for (const r of records) outcome.transient.push({ id: r.id, key: r.key, message });
    return [];
  }
  const gone = records.filter((r) => !inScope.has(r.id));
  for (const record of gone) await ctx.store.remove(record);
  if (gone.length > 0)
    ctx.logger.info(
      { trackerId, removed: gone.map((r) => r.key) },
      'issues left the scope; not written',
    );
  return records.filter((r) => inScope.has(r.id));
}
