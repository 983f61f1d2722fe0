/** Pending plan items in words, for `netvalue plan` and the audit log: labels, dollars, moves. */
import { formatUsd } from '../scoring/format.js';
import type { PlanChange, StoredItem } from '../store/pending-plans.js';

const LABELS: Readonly<Record<string, string>> = {
  netValueUsd: 'Net value',
  netValueLowUsd: 'Net value P10',
  netValueHighUsd: 'Net value P90',
  confidencePct: 'Chance above $0',
  rankPosition: 'Rank position',
  priority: 'Priority',
  note: 'Note',
};

const MONEY = new Set(['netValueUsd', 'netValueLowUsd', 'netValueHighUsd']);
/** Linear's priority scale (netvalue never sets 1, urgent). */
const PRIORITY = ['none', 'urgent', 'high', 'medium', 'low'];
const NOTE_CHARS = 60;

export function fieldLabel(field: string): string {
  return LABELS[field] ?? field;
}

export function valueText(field: string, value: PlanChange['from']): string {
  if (value === null) return '(empty)';
  if (typeof value === 'string')
    return value.length > NOTE_CHARS ? `"${value.slice(0, NOTE_CHARS - 1)}…"` : `"${value}"`;
  if (MONEY.has(field)) return formatUsd(value);
  if (field === 'confidencePct') return `${value}%`;
  if (field === 'priority') return PRIORITY[value] ?? String(value);
  return String(value);
}

/** `Net value  $2,000 → $3,000` */
export function changeText(change: PlanChange, separator = ' '): string {
  return `${fieldLabel(change.field)}${separator}${valueText(change.field, change.from)} → ${valueText(change.field, change.to)}`;
}

/** Everything an item asks for, on one line: `Net value $2,000 → $3,000; moves above APP-3 (...)`. */
export function itemSummary(item: Pick<StoredItem, 'changes' | 'move'>): string {
  return [...item.changes.map((c) => changeText(c)), ...(item.move ? [item.move.text] : [])].join(
    '; ',
  );
}
