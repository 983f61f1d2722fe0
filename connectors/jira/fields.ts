/**
 * Resolves the configured fields (by name or id) against GET /rest/api/3/field. Field ids differ
 * per site and names are not unique, so every problem is reported with what to write instead.
 */
import { z } from 'zod';
import { TrackerError } from '../../src/domain/index.js';
import type { JiraTrackerConfig } from './config.js';

/** Jira Software's Rank field type (a LexoRank string). */
export const RANK_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-lexo-rank';

export const FieldDetails = z.looseObject({
  id: z.string(),
  name: z.string(),
  custom: z.boolean().optional(),
  schema: z
    .looseObject({
      type: z.string(),
      custom: z.string().optional(),
      customId: z.number().optional(),
      system: z.string().optional(),
    })
    .optional(),
});
export type FieldDetails = z.infer<typeof FieldDetails>;
export const FieldList = z.array(FieldDetails);

export interface ResolvedField {
  id: string;
  /** The field's name in Jira. */
  name: string;
  /** What the config said (name or id), for messages. */
  configured: string;
  /** Numeric id of a custom field (rank API's `rankCustomFieldId`). */
  customId?: number;
}

export interface JiraFields {
  value: ResolvedField;
  cost: ResolvedField;
  netValue: ResolvedField;
  rankPosition: ResolvedField | null;
  /** The board Rank field; null when Jira Software is absent (then `rank: true` is refused). */
  rank: ResolvedField | null;
  /** Optional range inputs (null when not configured). */
  valueLow?: ResolvedField | null;
  valueHigh?: ResolvedField | null;
  costLow?: ResolvedField | null;
  costHigh?: ResolvedField | null;
  /** Optional text input: Value as a metric impact (`+5% signups`). */
  valueImpact?: ResolvedField | null;
  /** Optional write-back of the risk figures (null when not configured). */
  netValueLow?: ResolvedField | null;
  netValueHigh?: ResolvedField | null;
  confidence?: ResolvedField | null;
}

export type NumberFieldRole =
  | 'value'
  | 'cost'
  | 'netValue'
  | 'rankPosition'
  | 'valueLow'
  | 'valueHigh'
  | 'costLow'
  | 'costHigh'
  | 'netValueLow'
  | 'netValueHigh'
  | 'confidence';

/** The number fields netvalue writes (the rest are inputs it only reads). */
export const WRITTEN_ROLES: ReadonlySet<NumberFieldRole> = new Set([
  'netValue',
  'rankPosition',
  'netValueLow',
  'netValueHigh',
  'confidence',
]);

/** Field roles besides number fields: the text field of a Value given as a metric impact. */
export type TextFieldRole = 'valueImpact';

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, substitution));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

function typeOf(field: FieldDetails): string {
  const schema = field.schema;
  if (!schema) return 'untyped';
  return schema.custom ? `${schema.type} (${schema.custom})` : schema.type;
}

function describe(field: FieldDetails): string {
  return `"${field.name}" (${field.id}, ${typeOf(field)})`;
}

/** The closest names first, so a typo shows its fix. */
export function closestFields(all: FieldDetails[], wanted: string, limit = 3): FieldDetails[] {
  const target = wanted.toLowerCase();
  return all
    .map((field) => ({ field, distance: levenshtein(field.name.toLowerCase(), target) }))
    .sort((x, y) => x.distance - y.distance || x.field.name.localeCompare(y.field.name))
    .slice(0, limit)
    .map((x) => x.field);
}

/** `cf[10042]` is JQL's spelling of `customfield_10042`; accept both. */
function asFieldId(wanted: string): string {
  const clause = /^cf\[(\d+)\]$/i.exec(wanted.trim());
  return clause ? `customfield_${clause[1] as string}` : wanted.trim();
}

export type FieldLookup = { ok: true; field: ResolvedField } | { ok: false; message: string };

/** Finds one field by id or exact name: none, several or the wrong type each say what to do. */
function resolveField(
  all: FieldDetails[],
  role: string,
  wanted: string,
  wrongType: (field: FieldDetails) => string | null,
): FieldLookup {
  const where = `fields.${role} "${wanted}"`;
  const byId = all.find((f) => f.id === asFieldId(wanted));
  const matches = byId ? [byId] : all.filter((f) => f.name === wanted);
  if (matches.length === 0) {
    const closest = closestFields(all, wanted).map(describe).join(', ');
    return {
      ok: false,
      message: `${where} matches no Jira field this account can see. Closest names: ${closest}. Use the exact name or the field id.`,
    };
  }
  if (matches.length > 1) {
    const candidates = matches.map((f) => `${f.id} (${typeOf(f)})`).join(', ');
    return {
      ok: false,
      message: `${where} is ambiguous: ${matches.length} fields have that name: ${candidates}. Set fields.${role} to one of these ids.`,
    };
  }
  const field = matches[0] as FieldDetails;
  const problem = wrongType(field);
  if (problem !== null) return { ok: false, message: `${where} is ${field.id}, ${problem}` };
  return { ok: true, field: toResolved(field, wanted) };
}

/** Finds one number field by id or exact name. */
export function resolveNumberField(
  all: FieldDetails[],
  role: NumberFieldRole,
  wanted: string,
): FieldLookup {
  return resolveField(all, role, wanted, (field) => {
    if (field.schema?.type === 'number') return null;
    const custom = field.schema?.custom === undefined ? '' : ` (${field.schema.custom})`;
    return `a ${field.schema?.type ?? 'untyped'} field${custom}; netvalue needs a Number field (schema type number).`;
  });
}

/** Text-like schema types a short text (or a select list) field has. */
const TEXT_TYPES = new Set(['string', 'option']);

/** Finds one short text field by id or exact name (a select list is accepted too). */
export function resolveTextField(
  all: FieldDetails[],
  role: TextFieldRole,
  wanted: string,
): FieldLookup {
  return resolveField(all, role, wanted, (field) =>
    TEXT_TYPES.has(field.schema?.type ?? '')
      ? null
      : `a ${typeOf(field)} field; netvalue needs a short text field (Text Field (single line)) holding impacts like '+5% signups'.`,
  );
}

function toResolved(field: FieldDetails, configured: string): ResolvedField {
  const customId = field.schema?.customId;
  return {
    id: field.id,
    name: field.name,
    configured,
    ...(customId === undefined ? {} : { customId }),
  };
}

/** The Rank field: Jira Software's LexoRank field, preferring the one named "Rank". */
export function findRankField(all: FieldDetails[]): ResolvedField | null {
  const ranks = all.filter((f) => f.schema?.custom === RANK_FIELD_TYPE);
  const field = ranks.find((f) => f.name === 'Rank') ?? ranks[0];
  return field ? toResolved(field, field.name) : null;
}

/** Each number field role with the field the config names for it (rankPosition may be unset). */
export function configuredRoles(
  config: JiraTrackerConfig,
): [NumberFieldRole, string | undefined][] {
  const f = config.fields;
  return [
    ['value', f.value],
    ['cost', f.cost],
    ['netValue', f.netValue],
    ['rankPosition', f.rankPosition],
    ['valueLow', f.valueLow],
    ['valueHigh', f.valueHigh],
    ['costLow', f.costLow],
    ['costHigh', f.costHigh],
    ['netValueLow', f.netValueLow],
    ['netValueHigh', f.netValueHigh],
    ['confidence', f.confidence],
  ];
}

/** Resolves every configured field; throws one TrackerError listing every problem at once. */
export function resolveFields(all: FieldDetails[], config: JiraTrackerConfig): JiraFields {
  const problems: string[] = [];
  const resolved = new Map<NumberFieldRole, ResolvedField>();
  for (const [role, wanted] of configuredRoles(config)) {
    if (wanted === undefined) continue;
    const lookup = resolveNumberField(all, role, wanted);
    if (lookup.ok) resolved.set(role, lookup.field);
    else problems.push(lookup.message);
  }
  let valueImpact: ResolvedField | null = null;
  if (config.fields.valueImpact !== undefined) {
    const lookup = resolveTextField(all, 'valueImpact', config.fields.valueImpact);
    if (lookup.ok) valueImpact = lookup.field;
    else problems.push(lookup.message);
  }
  // Writing into an input would destroy it; two outputs in one field would fight.
  const seen = new Map<string, NumberFieldRole>();
  for (const [role, field] of resolved) {
    const other = seen.get(field.id);
    if (other) problems.push(`fields.${other} and fields.${role} both resolve to ${field.id}.`);
    seen.set(field.id, role);
  }
  const rank = findRankField(all);
  if (config.rank && !rank) {
    problems.push(
      `rank: true needs Jira Software's Rank field (${RANK_FIELD_TYPE}), and none is visible. Set rank: false or check the Jira Software licence.`,
    );
  }
  if (problems.length > 0) {
    throw new TrackerError('permanent', `Jira tracker "${config.id}": ${problems.join(' ')}`, {
      trackerId: config.id,
    });
  }
  const get = (role: NumberFieldRole): ResolvedField => resolved.get(role) as ResolvedField;
  const optional = (role: NumberFieldRole): ResolvedField | null => resolved.get(role) ?? null;
  return {
    value: get('value'),
    cost: get('cost'),
    netValue: get('netValue'),
    rankPosition: optional('rankPosition'),
    rank,
    valueLow: optional('valueLow'),
    valueHigh: optional('valueHigh'),
    costLow: optional('costLow'),
    costHigh: optional('costHigh'),
    valueImpact,
    netValueLow: optional('netValueLow'),
    netValueHigh: optional('netValueHigh'),
    confidence: optional('confidence'),
  };
}

/** The optional written fields that are configured: P10, P90, confidence. */
export function riskFields(fields: JiraFields): ResolvedField[] {
  return [fields.netValueLow, fields.netValueHigh, fields.confidence].filter(
    (f): f is ResolvedField => f !== null && f !== undefined,
  );
}

/**
 * Field ids netvalue writes (its echo filter): net value, rank position, the risk figures, and
 * Rank when on.
 */
export function writeBackFieldIds(fields: JiraFields, rankOn: boolean): string[] {
  const ids = [fields.netValue.id];
  if (fields.rankPosition) ids.push(fields.rankPosition.id);
  ids.push(...riskFields(fields).map((f) => f.id));
  if (rankOn && fields.rank) ids.push(fields.rank.id);
  return ids;
}

/** The configured label of a field id, for error messages. */
export function fieldLabel(fields: JiraFields, fieldId: string): string | undefined {
  const all = [
    fields.value,
    fields.cost,
    fields.netValue,
    fields.rankPosition,
    fields.rank,
    fields.valueLow,
    fields.valueHigh,
    fields.costLow,
    fields.costHigh,
    fields.valueImpact,
    fields.netValueLow,
    fields.netValueHigh,
    fields.confidence,
  ];
  const field = all.find((f) => f?.id === fieldId);
  return field ? field.configured : undefined;
}
