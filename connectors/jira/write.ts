/** Write-back: one edit per issue with only the changed fields, and board rank batches. */
import { z } from 'zod';
import {
  isTrackerError,
  TrackerError,
  type IssueRef,
  type RankBatch,
  type WriteValues,
} from '../../src/domain/index.js';
import type { WriteItem } from '../connector.js';
import { send } from './client.js';
import { errorContext, type JiraContext } from './context.js';
import { MAX_RANK_BATCH } from './rank.js';

function roundCents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The field a written value goes to, when config enables it. */
function fieldIdOf(ctx: JiraContext, name: keyof WriteValues): string | undefined {
  const f = ctx.fields;
  switch (name) {
    case 'netValueUsd':
      return f.netValue.id;
    case 'rankPosition':
      return f.rankPosition?.id;
    case 'netValueLowUsd':
      return f.netValueLow?.id;
    case 'netValueHighUsd':
      return f.netValueHigh?.id;
    case 'confidencePct':
      return f.confidence?.id;
    default:
      return undefined;
  }
}

/**
 * The `fields` body of the edit; refuses values this tracker's config does not write, and any
 * number that is not finite (a permanent error naming the field).
 */
export function editFields(ctx: JiraContext, changes: WriteValues): Record<string, number | null> {
  const fields: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(changes) as [keyof WriteValues, unknown][]) {
    if (value === undefined) continue;
    const fieldId = fieldIdOf(ctx, name);
    if (fieldId === undefined || (value !== null && typeof value !== 'number')) {
      throw new TrackerError(
        'permanent',
        `Jira tracker "${ctx.config.id}" cannot write ${name}=${JSON.stringify(value)}: not enabled in its config`,
        { trackerId: ctx.config.id },
      );
    }
    // NaN and Infinity would go out as JSON `null` and clear the field (finding 6): never send them.
    if (value !== null && !Number.isFinite(value)) {
      throw new TrackerError(
        'permanent',
        `Jira tracker "${ctx.config.id}" refused to write ${name}=${String(value)} to field ${fieldId}: not a finite number`,
        { trackerId: ctx.config.id },
      );
    }
    fields[fieldId] = value === null ? null : roundCents(value);
  }
  return fields;
}

export async function writeIssue(
  ctx: JiraContext,
  ref: IssueRef,
  changes: WriteValues,
): Promise<void> {
  const fields = editFields(ctx, changes);
  if (Object.keys(fields).length === 0) return;
  const edit = (quiet: boolean) =>
    send(ctx.clients, 'write', errorContext(ctx, `edit ${ref.key}`), () =>
      ctx.clients.v3.issues.editIssue({
        issueIdOrKey: ref.id,
        fields,
        // Jira refuses the whole edit (403) when the account may not suppress notifications.
        ...(quiet ? { notifyUsers: false } : {}),
      }),
    );
  const quiet = ctx.notify.quietFor(ref.key);
  try {
    await edit(quiet);
  } catch (err) {
    // We chose to suppress (Administer Projects somewhere) and this project refused: say it once.
    if (!quiet || !ctx.notify.retriesLoud(err)) throw err;
    await edit(false);
    ctx.notify.refusedIn(ref.key);
  }
}

/**
 * Jira edits one issue per request, so a batch is sent one item after another; each item's
 * failure is its own (the caller runs several batches side by side within the rate limit).
 */
export async function writeItems(
  ctx: JiraContext,
  items: readonly WriteItem[],
): Promise<(TrackerError | null)[]> {
  const results: (TrackerError | null)[] = [];
  for (const item of items) {
    try {
      await writeIssue(ctx, item.ref, item.changes);
      results.push(null);
    } catch (err) {
      results.push(
        isTrackerError(err)
          ? err
          : new TrackerError('transient', err instanceof Error ? err.message : String(err), {
              trackerId: ctx.config.id,
              cause: err,
            }),
      );
    }
  }
  return results;
}

const RankEntries = z.looseObject({
  entries: z.array(
    z.looseObject({
      issueId: z.union([z.number(), z.string()]).optional(),
      issueKey: z.string().optional(),
      status: z.number(),
      errors: z.array(z.string()).optional(),
    }),
  ),
});

function checkRankAnswer(ctx: JiraContext, body: unknown): void {
  // 204 resolves to '' in jira.js; 207 resolves with the per-issue entries (no throw).
  if (body === '' || body === undefined || body === null) return;
  const parsed = RankEntries.safeParse(body);
  // A 2xx without per-issue entries: Jira accepted the whole call.
  if (!parsed.success) return;
  const failed = parsed.data.entries.filter((e) => e.status < 200 || e.status >= 300);
  if (failed.length === 0) return;
  const list = failed
    .map(
      (e) =>
        `${e.issueKey ?? String(e.issueId)} (${e.status}${e.errors ? `: ${e.errors.join('; ')}` : ''})`,
    )
    .join(', ');
  const retryable = failed.every((e) => e.status >= 500 || e.status === 429);
  throw new TrackerError(
    retryable ? 'transient' : 'permanent',
    `Jira ranked only part of the batch; failed: ${list}`,
    { trackerId: ctx.config.id, status: 207 },
  );
}

export async function applyRankBatch(ctx: JiraContext, batch: RankBatch): Promise<void> {
  const trackerId = ctx.config.id;
  if (!ctx.config.rank || !ctx.fields.rank) {
    throw new TrackerError('permanent', `Jira tracker "${trackerId}" has rank: false`, {
      trackerId,
    });
  }
  if (batch.ids.length === 0) return;
  if (
    batch.ids.length > MAX_RANK_BATCH ||
    (batch.before === undefined) === (batch.after === undefined)
  ) {
    throw new TrackerError(
      'permanent',
      `rank batch must hold 1-${MAX_RANK_BATCH} issues and exactly one of before/after; got ${batch.ids.length} issues`,
      { trackerId },
    );
  }
  const rankCustomFieldId = ctx.fields.rank.customId;
  const body = await send(
    ctx.clients,
    'write',
    errorContext(ctx, `rank ${batch.ids.length} issues`),
    () =>
      ctx.clients.agile.issue.rankIssues<unknown>({
        issues: batch.ids,
        ...(batch.before === undefined ? {} : { rankBeforeIssue: batch.before }),
        ...(batch.after === undefined ? {} : { rankAfterIssue: batch.after }),
        ...(rankCustomFieldId === undefined ? {} : { rankCustomFieldId }),
      }),
  );
  checkRankAnswer(ctx, body);
}
