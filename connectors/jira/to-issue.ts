/** Maps a raw Jira issue (search result or webhook `issue`) to the tracker-neutral `Issue`. */
import { z } from 'zod';
import {
  TrackerError,
  type CostUnit,
  type Issue,
  type MoneyInputs,
  type RawInput,
} from '../../src/domain/index.js';
import { riskFields, type JiraFields, type ResolvedField } from './fields.js';
import { DEFAULT_JIRA_WORK_TYPE, jiraWorkType, type JiraWorkTypeConfig } from './work-type.js';

// Loose: Jira adds keys over time, and only the ones below matter here.
export const RawIssue = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
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
  /** Work-type rules; the defaults when absent. */
  workType?: JiraWorkTypeConfig;
}

/** The fields a pull asks for: nothing more (search pages shrink as fields grow). */
export function issueFieldIds(fields: JiraFields): string[] {
  const ids = ['summary', 'issuetype', 'labels', 'updated', fields.value.id, fields.cost.id];
  ids.push(fields.netValue.id);
  if (fields.rankPosition) ids.push(fields.rankPosition.id);
  if (fields.rank) ids.push(fields.rank.id);
  for (const f of [...rangeFields(fields).map(([, field]) => field), fields.valueImpact]) {
    if (f) ids.push(f.id);
  }
  ids.push(...riskFields(fields).map((f) => f.id));
  return ids;
}

type RangeKey = 'valueLow' | 'valueHigh' | 'costLow' | 'costHigh';

/** The configured range input fields, by the MoneyInputs key they fill. */
function rangeFields(fields: JiraFields): [RangeKey, ResolvedField][] {
  const keys: RangeKey[] = ['valueLow', 'valueHigh', 'costLow', 'costHigh'];
  return keys.flatMap((key) => {
    const field = fields[key];
    return field ? [[key, field] as [RangeKey, ResolvedField]] : [];
  });
}

/**
 * An input as found: a number, null when empty, or the raw text of anything else (a text field
 * or a select by mistake), so the money model can say what it was.
 */
export function readInput(value: unknown): RawInput {
  if (value === null || value === undefined) return null;
  // A non-finite number (1e309 parses to Infinity) would become null in JSON: keep it as text,
  // so the money model reports it as unreadable rather than missing.
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
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
  if (m.fields.netValueLow) current.netValueLowUsd = readNumber(f[m.fields.netValueLow.id]);
  if (m.fields.netValueHigh) current.netValueHighUsd = readNumber(f[m.fields.netValueHigh.id]);
  if (m.fields.confidence) current.confidencePct = readNumber(f[m.fields.confidence.id]);
  const inputs: MoneyInputs = {
    value: readInput(f[m.fields.value.id]),
    cost: readInput(f[m.fields.cost.id]),
    costUnit: m.costUnit,
    valueSource: `field ${m.fields.value.name}`,
    costSource: `field ${m.fields.cost.name}`,
  };
  for (const [key, field] of rangeFields(m.fields)) inputs[key] = readInput(f[field.id]);
  if (m.fields.valueImpact) {
    const impact = readInput(f[m.fields.valueImpact.id]);
    // A number typed into the text field is an impact without a metric: kept as text, invalid.
    inputs.valueImpact = impact === null ? null : String(impact);
  }
  return {
    trackerId: m.trackerId,
    id: raw.id,
    key: raw.key,
    title: typeof summary === 'string' ? summary : '',
    url: `${m.baseUrl.replace(/\/+$/, '')}/browse/${raw.key}`,
    ...(issueType.success ? { issueType: issueType.data.name } : {}),
    labels: labelList,
    updatedAt: readUpdated(raw, m.trackerId),
    inputs,
    current,
    rank: typeof rank === 'string' && rank !== '' ? rank : null,
    pinned: labelList.includes(m.pinLabel),
    workType: jiraWorkType(
      {
        key: raw.key,
        issueType: issueType.success ? issueType.data.name : undefined,
        labels: labelList,
      },
      m.workType ?? DEFAULT_JIRA_WORK_TYPE,
    ),
  };
}
