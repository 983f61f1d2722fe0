/** Maps a raw Jira issue (search result or webhook `issue`) to the tracker-neutral `Issue`. */
import { z } from 'zod';
import { TrackerError, type CostUnit, type Issue, type RawInput } from '../../src/domain/index.js';
import type { JiraFields } from './fields.js';

// Loose: Jira adds keys over time, and only the ones below matter here.
export const RawIssue = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.record(z.string(), z.unknown()).default({}),
});
export type RawIssue = z.infer<typeof RawIssue>;

const Named = z.looseObject({ name: z.string() });
const Labels = z.array(z.string());

export interface IssueMapping {
  trackerId: string;
  baseUrl: string;
  fields: JiraFields;
  costUnit: CostUnit;
  pinLabel: string;
}

/** The fields a pull asks for: nothing more (search pages shrink as fields grow). */
export function issueFieldIds(fields: JiraFields): string[] {
  const ids = ['summary', 'issuetype', 'labels', 'updated', fields.value.id, fields.cost.id];
  ids.push(fields.netValue.id);
  if (fields.rankPosition) ids.push(fields.rankPosition.id);
  if (fields.rank) ids.push(fields.rank.id);
  return ids;
}

/**
 * An input as found: a number, null when empty, or the raw text of anything else (a text field
 * or a select by mistake), so the money model can say what it was.
 */
export function readInput(value: unknown): RawInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  const selected = z.looseObject({ value: z.string() }).safeParse(value);
  return selected.success ? selected.data.value : JSON.stringify(value);
}

function readNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Jira writes `2024-01-01T10:00:00.000+0000`; the Issue model wants ISO-8601 UTC. */
function readUpdated(raw: RawIssue, trackerId: string): string {
  const value = raw.fields['updated'];
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new TrackerError('permanent', `Jira issue ${raw.key} has no readable "updated" field`, {
      trackerId,
    });
  }
  return new Date(ms).toISOString();
}

export function toIssue(raw: RawIssue, m: IssueMapping): Issue {
  const f = raw.fields;
  const labels = Labels.safeParse(f['labels']);
  const issueType = Named.safeParse(f['issuetype']);
  const summary = f['summary'];
  const rank = f[m.fields.rank?.id ?? ''];
  const labelList = labels.success ? labels.data : [];
  const current: Issue['current'] = { netValueUsd: readNumber(f[m.fields.netValue.id]) };
  if (m.fields.rankPosition) current.rankPosition = readNumber(f[m.fields.rankPosition.id]);
  return {
    trackerId: m.trackerId,
    id: raw.id,
    key: raw.key,
    title: typeof summary === 'string' ? summary : '',
    url: `${m.baseUrl.replace(/\/+$/, '')}/browse/${raw.key}`,
    ...(issueType.success ? { issueType: issueType.data.name } : {}),
    labels: labelList,
    updatedAt: readUpdated(raw, m.trackerId),
    inputs: {
      value: readInput(f[m.fields.value.id]),
      cost: readInput(f[m.fields.cost.id]),
      costUnit: m.costUnit,
      valueSource: `field ${m.fields.value.name}`,
      costSource: `field ${m.fields.cost.name}`,
    },
    current,
    rank: typeof rank === 'string' && rank !== '' ? rank : null,
    pinned: labelList.includes(m.pinLabel),
  };
}
