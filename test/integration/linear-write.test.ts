import { afterEach, describe, expect, it } from 'vitest';
import { TrackerError, type Issue } from '../../src/domain/index.js';
import { netValue } from '../../src/scoring/net-value.js';
import { rankItems } from '../../src/scoring/rank.js';
import {
  applyWrites,
  DEPS,
  isOperation,
  planWrites,
  pullAll,
  refOf,
  SETTINGS,
  startHarness,
  variablesOf,
  type Harness,
} from './linear-harness.js';
import { writeOne } from './connector-targets.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.sandbox.close();
  h = null;
});

const MUTATIONS = ['NetvalueIssueUpdate', 'NetvalueAttachmentUpsert', 'NetvalueAttachmentDelete'];
const isMutation = (e: { operation: string }): boolean => MUTATIONS.includes(e.operation);

/** Unified ranking order of the pulled issues, pinned ones left out (they never move). */
function rankedKeys(issues: Issue[]): string[] {
  const items = issues.map((i) => ({ ...i, result: netValue(i.inputs, SETTINGS) }));
  return rankItems(items)
    .filter(({ item }) => !item.pinned)
    .map(({ item }) => item.key);
}

/**
 * The sandbox's order of the same issues: by prioritySortOrder alone, or as Linear's priority
 * views show them (bucket first) when netvalue also owns the priority.
 */
function trackerKeys(h: Harness, issues: Issue[], view: 'sortKey' | 'priority'): string[] {
  const wanted = new Set(issues.filter((i) => !i.pinned).map((i) => i.key));
  const ordered =
    view === 'priority'
      ? h.sandbox.issuesInPriorityOrder()
      : h.sandbox.issues().sort((a, b) => a.prioritySortOrder - b.prioritySortOrder);
  return ordered.filter((i) => wanted.has(i.identifier)).map((i) => i.identifier);
}

describe('Linear write-back', () => {
  it('sends one issueUpdate per issue that must move and none for the rest; a second pass sends none', async () => {
    h = await startHarness({ issues: 150, includeExamples: true });
    const { issues } = await pullAll(h.connector);
    const changes = planWrites(h.connector, issues);
    expect(changes.size).toBeGreaterThan(0);
    expect(changes.size).toBeLessThan(issues.length); // the longest run already in order stays
    h.sandbox.log.clear();

    await applyWrites(h.connector, issues, changes);

    const updates = h.sandbox.log.entries.filter(isOperation('NetvalueIssueUpdate'));
    expect(h.sandbox.log.count(isMutation)).toBe(changes.size);
    expect(new Set(updates.map((e) => variablesOf(e)['id']))).toEqual(new Set(changes.keys()));
    for (const entry of updates) {
      const { id, input } = variablesOf(entry) as { id: string; input: Record<string, unknown> };
      expect(input).toEqual({ prioritySortOrder: changes.get(id)?.sortKey });
    }
    expect(trackerKeys(h, issues, 'sortKey')).toEqual(rankedKeys(issues));

    const again = await pullAll(h.connector);
    expect(planWrites(h.connector, again.issues).size).toBe(0);
    h.sandbox.log.clear();
    await applyWrites(h.connector, again.issues, planWrites(h.connector, again.issues));
    expect(h.sandbox.log.count(isMutation)).toBe(0);
  });

  it('puts priority and sort key in ONE mutation, buckets by net value and never sets Urgent', async () => {
    h = await startHarness(
      { issues: 120 },
      { writeBack: { prioritySortOrder: true, priority: true, attachment: false } },
    );
    const { issues } = await pullAll(h.connector);
    expect(issues.some((i) => i.current.priority === 1)).toBe(true); // people set Urgent by hand
    const changes = planWrites(h.connector, issues);
    h.sandbox.log.clear();

    await applyWrites(h.connector, issues, changes);

    const updates = h.sandbox.log.entries.filter(isOperation('NetvalueIssueUpdate'));
    expect(updates).toHaveLength(changes.size);
    expect(
      updates.some((e) => Object.keys((variablesOf(e)['input'] as object) ?? {}).length === 2),
    ).toBe(true);
    for (const entry of updates) {
      const input = variablesOf(entry)['input'] as { priority?: number };
      if (input.priority !== undefined) expect([0, 2, 3, 4]).toContain(input.priority);
    }
    const inScope = new Set(issues.map((i) => i.key));
    const after = h.sandbox.issues().filter((i) => inScope.has(i.identifier));
    expect(after.some((i) => i.priority === 1)).toBe(false);
    expect(trackerKeys(h, issues, 'priority')).toEqual(rankedKeys(issues));
    expect(planWrites(h.connector, (await pullAll(h.connector)).issues).size).toBe(0);
  });

  it('refuses to write Urgent and desired() never produces it', async () => {
    h = await startHarness(
      { issues: 10 },
      { writeBack: { prioritySortOrder: true, priority: true, attachment: false } },
    );
    const [issue] = (await pullAll(h.connector)).issues;
    const result = netValue(issue!.inputs, SETTINGS);
    expect(h.connector.desired({ result, rankPosition: 1, priority: 1 }).priority).toBe(2);
    expect(h.connector.desired({ result, rankPosition: null, priority: null }).priority).toBe(0);
    h.sandbox.log.clear();
    const error = await writeOne(h.connector, refOf(issue!), { priority: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrackerError);
    expect((error as TrackerError).kind).toBe('permanent');
    expect(h.sandbox.log.entries).toHaveLength(0);
  });

  it('keeps one "Net value" attachment per issue, updates it in place and removes it when the value goes', async () => {
    h = await startHarness(
      { issues: 30, includeExamples: true },
      { writeBack: { prioritySortOrder: false, priority: false, attachment: true } },
    );
    expect(h.connector.order).toBeNull();
    const pass = async (): Promise<number> => {
      const { issues } = await pullAll(h!.connector);
      const changes = planWrites(h!.connector, issues);
      await applyWrites(h!.connector, issues, changes);
      return changes.size;
    };
    const url = `${DEPS.publicUrl}/issues/sandbox-linear/ENG-1`;

    expect(await pass()).toBeGreaterThan(0);
    expect(h.sandbox.issue('ENG-1').attachments).toEqual([
      { url, title: 'Net value', subtitle: '$5,000/mo x 1 mo - 5 pts x 8 h/pt x $50/h = $3,000' },
    ]);
    expect(await pass()).toBe(0);

    h.sandbox.editIssue('ENG-1', { valueLabel: '$6k' });
    h.sandbox.log.clear();
    expect(await pass()).toBe(1);
    expect(h.sandbox.log.count(isOperation('NetvalueAttachmentUpsert'))).toBe(1);
    expect(h.sandbox.issue('ENG-1').attachments).toEqual([
      { url, title: 'Net value', subtitle: '$6,000/mo x 1 mo - 5 pts x 8 h/pt x $50/h = $4,000' },
    ]);

    h.sandbox.editIssue('ENG-1', { valueLabel: null });
    expect(await pass()).toBe(1);
    expect(h.sandbox.issue('ENG-1').attachments).toEqual([]);
    expect(await pass()).toBe(0);
  });
});
