/**
 * Write-back: sending what netvalue wants on an issue (`writeChanges`; connector.ts decides it).
 * `prioritySortOrder` and `priority` go in ONE `issueUpdate`; the note is netvalue's attachment,
 * upserted on one URL per issue (`attachmentCreate` upserts on url + issueId) and deleted when
 * the issue loses its net value, so no stale number stays on it.
 */
import { z } from 'zod';
import { TrackerError, type IssueRef, type WriteValues } from '../../src/domain/index.js';
import { send } from './client.js';
import type { LinearTrackerConfig } from './config.js';
import { NO_PRIORITY } from './connector.js';
import { attachmentUrl, type LinearContext } from './context.js';
import { ATTACHMENT_DELETE, ATTACHMENT_FIND, ATTACHMENT_UPSERT, ISSUE_UPDATE } from './queries.js';
import { AttachmentFindData, parseResponse } from './responses.js';

export const ATTACHMENT_TITLE = 'Net value';
const URGENT = 1;

export function issueInput(
  config: LinearTrackerConfig,
  ref: IssueRef,
  changes: WriteValues,
): Record<string, number> {
  const input: Record<string, number> = {};
  if (changes.sortKey !== undefined && config.writeBack.prioritySortOrder) {
    if (!Number.isFinite(changes.sortKey)) {
      throw new TrackerError(
        'permanent',
        `sortKey for ${ref.key} must be a finite number, got ${changes.sortKey}`,
        {
          trackerId: ref.trackerId,
        },
      );
    }
    input['prioritySortOrder'] = changes.sortKey;
  }
  if (changes.priority !== undefined && config.writeBack.priority) {
    const priority = changes.priority ?? NO_PRIORITY;
    // Number.isInteger is false for NaN and +/-Infinity, so a non-finite priority stops here too.
    if (!Number.isInteger(priority) || priority < 0 || priority > 4 || priority === URGENT) {
      throw new TrackerError(
        'permanent',
        `priority for ${ref.key} must be 0, 2, 3 or 4 (never 1, Urgent), got ${priority}`,
        { trackerId: ref.trackerId },
      );
    }
    input['priority'] = priority;
  }
  return input;
}

async function upsertNote(ctx: LinearContext, ref: IssueRef, note: string): Promise<void> {
  await send(
    ctx.api,
    'write',
    { action: `attach the net value to ${ref.key}` },
    ATTACHMENT_UPSERT,
    {
      input: {
        issueId: ref.id,
        url: attachmentUrl(ctx, ref.key),
        title: ATTACHMENT_TITLE,
        subtitle: note,
      },
    },
  );
}

/** Deleting needs the attachment's id: one read to find it, one delete when it exists. */
async function removeNote(ctx: LinearContext, ref: IssueRef): Promise<void> {
  const raw = await send(
    ctx.api,
    'read',
    { action: `find the net value attachment of ${ref.key}` },
    ATTACHMENT_FIND,
    {
      id: ref.id,
      url: attachmentUrl(ctx, ref.key),
    },
  );
  const found = parseResponse(AttachmentFindData, raw, 'NetvalueAttachmentFind', ref.trackerId);
  for (const attachment of found.issue.attachments.nodes) {
    await send(
      ctx.api,
      'write',
      { action: `remove the net value from ${ref.key}` },
      ATTACHMENT_DELETE,
      {
        id: attachment.id,
      },
    );
  }
}

/**
 * Sends what `changes` holds among the fields config enables; fields Linear cannot hold
 * (netValueUsd, rankPosition) and disabled ones are ignored.
 */
export async function writeChanges(
  ctx: LinearContext,
  ref: IssueRef,
  changes: WriteValues,
): Promise<string | null> {
  const input = issueInput(ctx.mapping.config, ref, changes);
  let at: string | null = null;
  if (Object.keys(input).length > 0) {
    const data = await send<{ issueUpdate?: unknown }>(
      ctx.api,
      'write',
      { action: `update ${ref.key}` },
      ISSUE_UPDATE,
      { id: ref.id, input },
    );
    at = landedAt(data.issueUpdate);
  }
  if (!ctx.mapping.config.writeBack.attachment || changes.note === undefined) return at;
  if (changes.note === null) await removeNote(ctx, ref);
  else await upsertNote(ctx, ref, changes.note);
  return at;
}

const UpdatedIssue = z.object({ issue: z.object({ updatedAt: z.iso.datetime() }) });

/**
 * The issue's `updatedAt` an `issueUpdate` answered: when our write landed, by Linear's clock
 * (connector.ts `WriteLanded`). Null when the answer leaves it out: the write stands, dated by
 * our clock instead.
 */
export function landedAt(payload: unknown): string | null {
  const parsed = UpdatedIssue.safeParse(payload);
  return parsed.success ? parsed.data.issue.updatedAt : null;
}
