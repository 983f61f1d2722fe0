/**
 * What the connectors' work-type rules share (README "Backlog reviews"): the defaults, the lists'
 * schema and the matching. Names match case-insensitively, with spaces, dashes and underscores
 * alike, so the default `tech-debt` also matches a Linear label `Tech debt`.
 */
import { z } from 'zod';
import type { WorkType } from '../src/domain/index.js';

/** Labels that mean technical work in most teams. */
export const DEFAULT_TECHNICAL_LABELS = [
  'tech-debt',
  'performance',
  'upgrade',
  'security',
  'infrastructure',
  'refactor',
] as const;

/** Issue types (Jira) or labels (Linear) that mean product work in most teams. */
export const DEFAULT_PRODUCT_NAMES = ['Bug', 'Story', 'Feature'] as const;

/** A list of names; a list given in config replaces its default. */
export const NameList = z.array(z.string().trim().min(1));

/** Issue key -> work type: beats every other rule. */
export const WorkTypeOverrides = z.record(z.string().min(1), z.enum(['technical', 'product']));

export type ClassifiedType = Exclude<WorkType['type'], 'unclassified'>;

/** One rule: names of one kind (`label`, `issue type`, ...) that mean `type`. */
export interface NameRule {
  type: ClassifiedType;
  /** What the names are, for the matched rule's text: `label`, `issue type`, `label group`. */
  what: string;
  names: readonly string[];
}

/** A value of the issue a rule may match (`name`), and how the matched rule shows it. */
export interface Candidate {
  /** What a rule of this kind compares: `label`, `issue type`, `label group`. */
  what: string;
  name: string;
  shown: string;
}

export function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-');
}

export const UNCLASSIFIED: WorkType = { type: 'unclassified', rule: 'no workType rule matched' };

/**
 * The work type of an issue: its override, else the first rule (in order) naming one of its
 * candidates of the same kind, else unclassified.
 */
export function classify(
  key: string,
  overrides: Readonly<Record<string, ClassifiedType>>,
  rules: readonly NameRule[],
  candidates: readonly Candidate[],
): WorkType {
  const override = overrides[key];
  if (override !== undefined) return { type: override, rule: `override ${key}` };
  for (const rule of rules) {
    const names = new Set(rule.names.map(normalizeName));
    const hit = candidates.find((c) => c.what === rule.what && names.has(normalizeName(c.name)));
    if (hit) return { type: rule.type, rule: `${rule.what} ${hit.shown}` };
  }
  return UNCLASSIFIED;
}
