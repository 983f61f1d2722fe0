import { afterEach, describe, expect, it } from 'vitest';
import { LABELS_PER_ISSUE, PAGE_SIZE } from '../../connectors/linear/queries.js';
import { UNREADABLE_VALUE_LABEL } from '../../connectors/linear/sandbox/seed.js';
import { netValue } from '../../src/scoring/net-value.js';
import {
  isOperation,
  pullAll,
  SETTINGS,
  startHarness,
  variablesOf,
  type Harness,
} from './linear-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.sandbox.close();
  h = null;
});

const open = (stateType: string): boolean => !['completed', 'canceled'].includes(stateType);

describe('Linear pull', () => {
  it('returns every open issue of the configured teams once over several pages, and nothing of other teams', async () => {
    h = await startHarness({ issues: 180 });
    const expected = h.sandbox
      .issues()
      .filter((i) => ['ENG', 'OPS'].includes(i.teamKey) && open(i.stateType))
      .map((i) => i.identifier)
      .sort();
    h.sandbox.log.clear();

    const { issues, pages } = await pullAll(h.connector);

    expect(pages).toBeGreaterThanOrEqual(3);
    expect(expected.length).toBeGreaterThan(2 * PAGE_SIZE);
    const keys = issues.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(expected);
    expect(keys.some((k) => k.startsWith('DES-'))).toBe(false);
    // One GraphQL request per page, nothing fetched lazily.
    expect(h.sandbox.log.entries.map((e) => e.operation)).toEqual(
      Array(pages).fill('NetvalueIssues'),
    );
  });

  it('misses no issue that is updated while the pages are read (netvalue writes them meanwhile)', async () => {
    h = await startHarness({ issues: 180 });
    const sandbox = h.sandbox;
    const expected = sandbox
      .issues()
      .filter((i) => ['ENG', 'OPS'].includes(i.teamKey) && open(i.stateType))
      .map((i) => i.identifier)
      .sort();
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.connector.pullPage({ cursor, sinceIso: null });
      keys.push(...page.issues.map((i) => i.key));
      // Between pages, issues not read yet are updated (as netvalue's own writes do mid-run).
      for (const key of expected.filter((k) => !keys.includes(k)).slice(0, 10))
        sandbox.editIssue(key, { prioritySortOrder: 1 });
      cursor = page.nextCursor;
    } while (cursor !== null);

    expect([...new Set(keys)].sort()).toEqual(expected);
  });

  it('asks for explicit page sizes, including on nested connections', async () => {
    h = await startHarness({ issues: 20 });
    h.sandbox.log.clear();
    await pullAll(h.connector);
    const [entry] = h.sandbox.log.entries;
    const query = (entry?.body as { query: string }).query;
    expect(variablesOf(entry!)['first']).toBe(PAGE_SIZE);
    expect(query).toContain(`labels(first: ${LABELS_PER_ISSUE})`);
    expect(query).toMatch(/attachments\(first: \d+/);
  });

  it('includes completed and canceled issues only when includeCompleted is set', async () => {
    h = await startHarness({ issues: 120 }, { includeCompleted: true });
    const closed = h.sandbox
      .issues()
      .filter((i) => ['ENG', 'OPS'].includes(i.teamKey) && !open(i.stateType));
    expect(closed.length).toBeGreaterThan(0);
    const { issues } = await pullAll(h.connector);
    const keys = new Set(issues.map((i) => i.key));
    for (const issue of closed) expect(keys.has(issue.identifier)).toBe(true);
  });

  it('an incremental pull returns only the issues changed since the watermark', async () => {
    h = await startHarness({ issues: 120 });
    const full = await pullAll(h.connector);
    const watermark = full.issues
      .map((i) => i.updatedAt)
      .sort()
      .at(-1) as string;
    const [a, b] = full.issues;
    h.sandbox.editIssue(a!.key, { valueLabel: '$9k' });
    h.sandbox.editIssue(b!.key, { estimate: 13 });
    // A DES issue changing is not ours to see.
    const des = h.sandbox.issues().find((i) => i.teamKey === 'DES');
    h.sandbox.editIssue(des!.identifier, { estimate: 2 });

    const { issues } = await pullAll(h.connector, watermark);

    expect(issues.map((i) => i.key).sort()).toEqual([a!.key, b!.key].sort());
    expect(issues.find((i) => i.key === a!.key)?.inputs.value).toBe(9000);
    expect(issues.find((i) => i.key === b!.key)?.inputs.cost).toBe(13);
  });

  it('maps inputs from the Value label group and the estimate', async () => {
    h = await startHarness(
      { issues: 40, includeExamples: true },
      { cost: { from: 'estimate', hoursPerPointByTeam: { OPS: 6 } } },
    );
    const { issues } = await pullAll(h.connector);
    const login = issues.find((i) => i.key === 'ENG-1');
    expect(login?.inputs).toEqual({
      value: 5000,
      cost: 5,
      costUnit: 'points',
      valueSource: 'label Value/$5k',
      costSource: 'estimate 5 pts',
    });
    const ops = issues.find((i) => i.key.startsWith('OPS-') && i.inputs.cost !== null);
    expect(ops?.inputs.hoursPerPoint).toBe(6);
    expect(issues.some((i) => i.inputs.value === null)).toBe(true);
  });

  it('passes the seeded unreadable Value label through as text, so scoring reports it invalid', async () => {
    h = await startHarness(
      { issues: 40 },
      { teams: ['ENG', 'OPS', 'DES'], includeCompleted: true },
    );
    const { issues } = await pullAll(h.connector);
    const unreadable = issues.filter((i) => i.labels.includes(`Value/${UNREADABLE_VALUE_LABEL}`));
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]?.inputs.value).toBe(UNREADABLE_VALUE_LABEL);
    const result = netValue(unreadable[0]!.inputs, SETTINGS);
    expect(result.status).toBe('invalid');
    expect(result.reason).toContain(UNREADABLE_VALUE_LABEL);
  });

  it('reads hours from a Cost label group when configured', async () => {
    h = await startHarness({ issues: 10, includeExamples: true }, { cost: { from: 'labels' } });
    const issue = await h.connector.fetchIssue('ENG-2');
    expect(issue?.inputs).toMatchObject({
      value: 7000,
      cost: 50,
      costUnit: 'hours',
      costSource: 'label Cost/50h',
    });
  });

  it('fetchIssue reads one issue in one request; null when unknown, closed or in another team', async () => {
    h = await startHarness({ issues: 60 });
    const all = h.sandbox.issues();
    const eng = all.find((i) => i.teamKey === 'ENG' && open(i.stateType))!;
    const des = all.find((i) => i.teamKey === 'DES')!;
    const closed = all.find((i) => i.teamKey === 'ENG' && !open(i.stateType))!;
    h.sandbox.log.clear();

    const issue = await h.connector.fetchIssue(eng.id);
    expect(issue).toMatchObject({ id: eng.id, key: eng.identifier, rank: eng.prioritySortOrder });
    expect(h.sandbox.log.count(isOperation('NetvalueIssue'))).toBe(1);
    expect(await h.connector.fetchIssue(des.id)).toBeNull();
    expect(await h.connector.fetchIssue(closed.id)).toBeNull();
    expect(await h.connector.fetchIssue('0b6e1c2a-0000-4000-8000-000000000000')).toBeNull();
  });

  it('marks issues with the pin label as pinned and reports budget and request counts', async () => {
    h = await startHarness({ issues: 60 });
    const target = h.sandbox.issues().find((i) => i.teamKey === 'ENG' && open(i.stateType))!;
    h.sandbox.editIssue(target.identifier, { labels: ['netvalue-pin'] });
    const { issues, pages } = await pullAll(h.connector);
    expect(issues.find((i) => i.key === target.identifier)?.pinned).toBe(true);
    expect(issues.filter((i) => i.pinned).every((i) => i.labels.includes('netvalue-pin'))).toBe(
      true,
    );
    expect(h.connector.requestCounts()).toEqual({ reads: pages + 1, writes: 0 });
    const budget = h.connector.budget();
    expect(budget?.requestsLimit).toBe(2500);
    expect(budget?.requestsRemaining).toBe(2500 - pages - 1);
    expect(budget?.resetAtMs).toBeGreaterThan(Date.now());
    expect(budget?.complexityRemaining).toBeLessThan(3_000_000);
  });
});
