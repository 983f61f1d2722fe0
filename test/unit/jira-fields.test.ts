import { describe, expect, it } from 'vitest';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import {
  closestFields,
  findRankField,
  levenshtein,
  resolveFields,
  resolveNumberField,
  writeBackFieldIds,
} from '../../connectors/jira/fields.js';
import { fieldCatalog } from '../../connectors/jira/sandbox/data.js';
import { TrackerError } from '../../src/domain/index.js';

const config = (fields: Record<string, string | undefined>, rank = false) =>
  JiraTrackerConfig.parse({
    id: 'acme-jira',
    kind: 'jira',
    baseUrl: 'https://acme.atlassian.net',
    email: 'bot@acme.test',
    apiToken: 'token',
    jql: 'project = APP',
    rank,
    fields: { value: 'Value ($/month)', cost: 'Cost (hours)', netValue: 'Net value', ...fields },
  });

describe('jira field resolution', () => {
  const all = fieldCatalog();

  it('levenshtein counts edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('closest names come first', () => {
    expect(closestFields(all, 'net valeu').map((f) => f.name)[0]).toBe('Net value');
  });

  it.each([
    ['Value ($/month)', 'customfield_10042'],
    ['customfield_10043', 'customfield_10043'],
    ['cf[10050]', 'customfield_10050'],
  ])('finds %s', (wanted, id) => {
    const found = resolveNumberField(all, 'value', wanted);
    expect(found.ok && found.field.id).toBe(id);
  });

  it('says what type a non-number field has', () => {
    const found = resolveNumberField(all, 'netValue', 'Summary');
    expect(found.ok).toBe(false);
    expect(!found.ok && found.message).toBe(
      'fields.netValue "Summary" is summary, a string field; netvalue needs a Number field (schema type number).',
    );
  });

  it('resolves a full config, Rank included, and lists the echo fields', () => {
    const fields = resolveFields(all, config({ rankPosition: 'Net value rank' }, true));
    expect(fields.rank).toMatchObject({ id: 'customfield_10019', customId: 10019 });
    expect(writeBackFieldIds(fields, true)).toEqual([
      'customfield_10050',
      'customfield_10051',
      'customfield_10019',
    ]);
    expect(writeBackFieldIds(fields, false)).toEqual(['customfield_10050', 'customfield_10051']);
  });

  it('rank: true without Jira Software is refused', () => {
    const withoutRank = all.filter((f) => f.id !== 'customfield_10019');
    expect(findRankField(withoutRank)).toBeNull();
    expect(() => resolveFields(withoutRank, config({}, true))).toThrow(TrackerError);
    expect(resolveFields(withoutRank, config({}, false)).rank).toBeNull();
  });
});

describe('jira range, impact and risk fields', () => {
  const all = fieldCatalog();
  const rangeConfig = {
    valueLow: 'Value low ($/month)',
    valueHigh: 'Value high ($/month)',
    costLow: 'Cost low (hours)',
    costHigh: 'Cost high (hours)',
    valueImpact: 'Value impact',
    netValueLow: 'Net value P10',
    netValueHigh: 'Net value P90',
    confidence: 'Net value confidence (%)',
  };

  it('resolves every optional field and writes back the risk figures', () => {
    const fields = resolveFields(all, config(rangeConfig));
    expect(fields).toMatchObject({
      valueLow: { id: 'customfield_10044' },
      costHigh: { id: 'customfield_10047' },
      valueImpact: { id: 'customfield_10048' },
      confidence: { id: 'customfield_10054' },
    });
    expect(writeBackFieldIds(fields, false)).toEqual([
      'customfield_10050',
      'customfield_10052',
      'customfield_10053',
      'customfield_10054',
    ]);
  });

  it('reports every misnamed or mistyped one at once, with the closest names', () => {
    expect(() =>
      resolveFields(
        all,
        config({ valueLow: 'Value lo ($/month)', valueImpact: 'Net value', confidence: 'Summary' }),
      ),
    ).toThrow(
      /fields.valueLow "Value lo \(\$\/month\)" matches no Jira field.*Closest names: "Value low \(\$\/month\)".*fields.confidence "Summary" is summary, a string field.*fields.valueImpact "Net value" is customfield_10050, a number.*needs a short text field/,
    );
  });

  it('an output in an input field is refused', () => {
    const clash = { netValueLow: 'Value low ($/month)', valueLow: 'Value low ($/month)' };
    expect(() => resolveFields(all, config(clash))).toThrow(/both resolve to customfield_10044/);
  });
});
