import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { dateMs } from '../../connectors/linear/sandbox/filters.js';
import { checkLimits, LimitError } from '../../connectors/linear/sandbox/limits.js';
import { buildSandboxSchema } from '../../connectors/linear/sandbox/schema.js';
import { seedWorkspace, UNREADABLE_VALUE_LABEL } from '../../connectors/linear/sandbox/seed.js';

const schema = buildSandboxSchema();
const complexity = (query: string, variables: Record<string, unknown> = {}): number =>
  checkLimits(schema, parse(query), variables, undefined);

describe('Linear sandbox', () => {
  it('estimates complexity as Linear does: connections multiply their nodes by first (default 50)', () => {
    expect(complexity('{ issues(first: 10) { nodes { id title } } }')).toBeCloseTo(1 + 10 * 1.2);
    expect(complexity('{ issues { nodes { id } } }')).toBeCloseTo(1 + 50 * 1.1);
    expect(
      complexity('query Q($n: Int) { issues(first: $n) { nodes { id } } }', { n: 2 }),
    ).toBeCloseTo(1 + 2 * 1.1);
  });

  it('rejects first above 250 and queries above 10,000 points', () => {
    expect(() => complexity('{ issues(first: 251) { nodes { id } } }')).toThrow(LimitError);
    expect(() =>
      complexity('{ issues(first: 200) { nodes { labels { nodes { id name } } } } }'),
    ).toThrow(/too complex/);
  });

  it('reads ISO times and ISO-8601 durations relative to now in date filters', () => {
    expect(dateMs('2026-11-01T00:00:00.000Z')).toBe(Date.parse('2026-11-01T00:00:00.000Z'));
    expect(Math.abs(dateMs('-P1D') - (Date.now() - 86_400_000))).toBeLessThan(1000);
    expect(Math.abs(dateMs('-PT2H') - (Date.now() - 7_200_000))).toBeLessThan(1000);
  });

  it('seeds the same workspace for the same seed, with one unreadable Value label', () => {
    const a = seedWorkspace({ issues: 50, seed: 9 });
    const b = seedWorkspace({ issues: 50, seed: 9 });
    expect(a.issues.map((i) => [i.id, i.title, i.prioritySortOrder])).toEqual(
      b.issues.map((i) => [i.id, i.title, i.prioritySortOrder]),
    );
    expect(a.teams.map((t) => t.key)).toEqual(['ENG', 'OPS', 'DES']);
    const unreadable = a.labels.filter((l) => l.name === UNREADABLE_VALUE_LABEL);
    expect(unreadable).toHaveLength(1);
    expect(a.issues.filter((i) => i.labelIds.includes(unreadable[0]!.id))).toHaveLength(1);
    expect(a.issues.some((i) => i.estimate === null)).toBe(true);
  });
});
