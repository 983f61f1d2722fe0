/**
 * Maps a Linear issue (from a GraphQL page or a webhook payload, both normalised to
 * `LinearIssueRecord` first) to the tracker-neutral `Issue`: inputs from the Value label group and
 * the estimate (or a Cost label group), and what netvalue currently holds on it.
 */
import type { Issue, MoneyInputs, RawInput, WriteValues } from '../../src/domain/index.js';
import type { LinearTrackerConfig } from './config.js';
import { readHoursLabel, readValueLabel, type LabelReading } from './money-label.js';
import { linearWorkType } from './work-type.js';

export interface LinearLabelRecord {
  id: string;
  name: string;
  /** The group (parent label) id, or null for a label outside any group. */
  parentId: string | null;
  /** The group's name, when known (`Value`). */
  parentName: string | null;
}

/** The fields netvalue reads, whatever the source. */
export interface LinearIssueRecord {
  id: string;
  identifier: string;
  title: string;
  url: string;
  updatedAt: string;
  estimate: number | null;
  priority: number;
  prioritySortOrder: number;
  teamKey: string;
  stateType: string;
  labels: LinearLabelRecord[];
  /**
   * Subtitle of netvalue's own attachment: a string, null when there is none, undefined when the
   * source cannot tell (webhook payloads carry no attachments).
   */
  note?: string | null;
}

/** What the mapping needs besides the record: config and the label groups resolved at start. */
export interface MappingContext {
  trackerId: string;
  config: LinearTrackerConfig;
  /** Ids of the label groups named `config.valueLabelGroup` (workspace or team level). */
  valueGroupIds: ReadonlySet<string>;
  /** Ids of the Cost label groups; empty unless `cost.from` is `labels`. */
  costGroupIds: ReadonlySet<string>;
}

/** Linear's `completed` and `canceled` state types are out of scope unless configured. */
export const CLOSED_STATE_TYPES = ['completed', 'canceled'] as const;

export function inScope(record: LinearIssueRecord, config: LinearTrackerConfig): boolean {
  if (!config.teams.includes(record.teamKey)) return false;
  return (
    config.includeCompleted || !(CLOSED_STATE_TYPES as readonly string[]).includes(record.stateType)
  );
}

function labelText(label: LinearLabelRecord): string {
  return label.parentName === null ? label.name : `${label.parentName}/${label.name}`;
}

interface LabelInput {
  raw: RawInput;
  /** The range a label named (`$4k-$7k`, `20-40h`): low and high; `raw` is then null. */
  low?: number;
  high?: number;
  /** A metric impact the label named (`+5% signups`); `raw` is then null. */
  impact?: string;
  source?: string;
}

/**
 * The one label of a group as an input. Two labels in one group (possible with multi-select
 * groups) is invalid: the text names both, so nobody has to guess which one counted.
 */
function fromGroup(
  labels: LinearLabelRecord[],
  groupIds: ReadonlySet<string>,
  parse: (name: string) => LabelReading,
): LabelInput {
  const inGroup = labels.filter((l) => l.parentId !== null && groupIds.has(l.parentId));
  const [first] = inGroup;
  if (first === undefined) return { raw: null };
  const source = `label ${inGroup.map(labelText).join(', ')}`;
  if (inGroup.length > 1) {
    return { raw: `${inGroup.map((l) => l.name).join(' and ')} (one label expected)`, source };
  }
  const parsed = parse(first.name);
  if (!parsed.ok) return { raw: parsed.text, source };
  if ('amount' in parsed) return { raw: parsed.amount, source };
  if ('impact' in parsed) return { raw: null, impact: parsed.impact, source };
  return { raw: null, low: parsed.low, high: parsed.high, source };
}

function hoursPerPoint(config: LinearTrackerConfig, teamKey: string): number | undefined {
  if (config.cost.from !== 'estimate') return undefined;
  return config.cost.hoursPerPointByTeam[teamKey] ?? config.cost.hoursPerPoint;
}

export function toInputs(record: LinearIssueRecord, ctx: MappingContext): MoneyInputs {
  const value = fromGroup(record.labels, ctx.valueGroupIds, readValueLabel);
  const inputs: MoneyInputs = { value: value.raw, cost: null, costUnit: 'points' };
  if (value.low !== undefined && value.high !== undefined) {
    inputs.valueLow = value.low;
    inputs.valueHigh = value.high;
  }
  if (value.impact !== undefined) inputs.valueImpact = value.impact;
  if (value.source !== undefined) inputs.valueSource = value.source;
  if (ctx.config.cost.from === 'labels') {
    const cost = fromGroup(record.labels, ctx.costGroupIds, readHoursLabel);
    inputs.cost = cost.raw;
    inputs.costUnit = 'hours';
    if (cost.low !== undefined && cost.high !== undefined) {
      inputs.costLow = cost.low;
      inputs.costHigh = cost.high;
    }
    if (cost.source !== undefined) inputs.costSource = cost.source;
    return inputs;
  }
  inputs.cost = record.estimate;
  // Unset means scoring.hoursPerPoint applies: the config does not copy the global default.
  const perPoint = hoursPerPoint(ctx.config, record.teamKey);
  if (perPoint !== undefined) inputs.hoursPerPoint = perPoint;
  if (record.estimate !== null) inputs.costSource = `estimate ${record.estimate} pts`;
  return inputs;
}

export function toIssue(record: LinearIssueRecord, ctx: MappingContext): Issue {
  const pin = ctx.config.pinLabel.toLowerCase();
  const current: WriteValues = {
    priority: record.priority,
    sortKey: record.prioritySortOrder,
  };
  if (ctx.config.writeBack.attachment && record.note !== undefined) current.note = record.note;
  return {
    trackerId: ctx.trackerId,
    id: record.id,
    key: record.identifier,
    title: record.title,
    url: record.url,
    labels: record.labels.map(labelText),
    updatedAt: record.updatedAt,
    inputs: toInputs(record, ctx),
    current,
    rank: record.prioritySortOrder,
    pinned: record.labels.some((l) => l.name.toLowerCase() === pin),
    workType: linearWorkType(
      { key: record.identifier, labels: record.labels },
      ctx.config.workType,
    ),
  };
}
