import { afterEach, describe, expect, it } from 'vitest';
import { isTrackerError, type Issue, type TrackerError } from '../../src/domain/index.js';
import { changedValues } from '../../src/scoring/write-diff.js';
import { pullAll, startHarness, writeTargets, type Harness } from './jira-harness.js';
import { writeOne } from './connector-targets.js';

/** One write-back pass as the write worker runs it: diff, then one write per differing issue. */
async function writeBack(h: Harness, issues: Issue[]): Promise<string[]> {
  const targets = writeTargets(issues);
  const written: string[] = [];
  for (const issue of issues) {
    const desired = h.connector.desired(targets.get(issue.id)!);
    const changes = changedValues(issue.current, desired);
    if (changes === null) continue;
    await writeOne(h.connector, issue, changes);
    written.push(issue.id);
  }
  return written;
}

describe('jira write-back (jira.js against the sandbox)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.sandbox.close();
    h = undefined;
  });

  it('sends one edit per differing issue, none for the rest, and none on a second pass', async () => {
    h = await startHarness({ issues: 60, includeExamples: true });
    // An issue that already holds the right values must not be written.
    const before = await pullAll(h.connector);
    const login = before.issues.find((i) => i.key === 'APP-1') as Issue;
    await writeOne(
      h.connector,
      login,
      h.connector.desired(writeTargets(before.issues).get(login.id)!),
    );
    h.sandbox.log.clear();
    const first = await pullAll(h.connector);
    const written = await writeBack(h, first.issues);
    const edits = h.sandbox.log.entries.filter((e) => e.operation === 'edit');
    expect(edits).toHaveLength(written.length);
    expect(written).not.toContain(login.id);
    expect(new Set(edits.map((e) => e.path.split('?')[0]))).toEqual(
      new Set(written.map((id) => `/rest/api/3/issue/${id}`)),
    );
    expect(edits.every((e) => e.status === 204)).toBe(true);

    const second = await pullAll(h.connector);
    expect(await writeBack(h, second.issues)).toEqual([]);
    expect(h.sandbox.log.count((e) => e.operation === 'edit')).toBe(edits.length);
  });

  it('writes the net value rounded to cents with only the given fields', async () => {
    h = await startHarness({ issues: 5, includeExamples: true });
    const issue = (await h.connector.fetchIssue('10002')) as Issue;
    expect(issue.key).toBe('OPS-1');
    await writeOne(h.connector, issue, { netValueUsd: 4500.004999 });
    expect(h.sandbox.log.entries.at(-1)).toMatchObject({
      operation: 'edit',
      path: '/rest/api/3/issue/10002',
      body: { fields: { customfield_10050: 4500 } },
    });
    await writeOne(h.connector, issue, { netValueUsd: null, rankPosition: 3 });
    expect(h.sandbox.log.entries.at(-1)?.body).toEqual({
      fields: { customfield_10050: null, customfield_10051: 3 },
    });
    expect(h.sandbox.issue('OPS-1')).toMatchObject({ netValue: null, rankPosition: 3 });
  });

  it('reproduces the method example: performance work $4,500, login feature $3,000', async () => {
    h = await startHarness({ issues: 2, includeExamples: true });
    const { issues } = await pullAll(h.connector);
    await writeBack(h, issues);
    expect(h.sandbox.issue('OPS-1')).toMatchObject({ netValue: 4500, rankPosition: 1 });
    expect(h.sandbox.issue('APP-1')).toMatchObject({ netValue: 3000, rankPosition: 2 });
  });

  it('clears the net value of an issue whose input became unusable', async () => {
    h = await startHarness({ issues: 2, includeExamples: true });
    await writeBack(h, (await pullAll(h.connector)).issues);
    h.sandbox.editIssue('APP-1', { value: 'lots' });
    const issues = (await pullAll(h.connector)).issues;
    expect(issues.find((i) => i.key === 'APP-1')?.inputs.value).toBe('lots');
    await writeBack(h, issues);
    expect(h.sandbox.issue('APP-1')).toMatchObject({ netValue: null, rankPosition: null });
  });

  it('sends notifyUsers=false when the config turns notifications off', async () => {
    h = await startHarness({ issues: 3, adminRights: { jira: true } }, { notifyUsers: false });
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    await writeOne(h.connector, issue, { netValueUsd: 10 });
    expect(h.sandbox.log.entries.at(-1)?.path).toBe(
      `/rest/api/3/issue/${issue.id}?notifyUsers=false`,
    );
  });

  it('without rankPosition configured, desired() and write() leave that field alone', async () => {
    h = await startHarness({ issues: 3 }, { fields: { rankPosition: undefined } });
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    expect(issue.current).toEqual({ netValueUsd: null });
    const target = writeTargets([issue]).get(issue.id)!;
    expect(Object.keys(h.connector.desired(target))).toEqual(['netValueUsd']);
    await expect(writeOne(h.connector, issue, { rankPosition: 1 })).rejects.toMatchObject({
      kind: 'permanent',
    });
    expect(h.sandbox.log.count((e) => e.operation === 'edit')).toBe(0);
  });

  it('a field missing from the edit screen is a permanent error naming the field and the fix', async () => {
    h = await startHarness({ issues: 3 });
    h.sandbox.setOnEditScreen('Net value', false);
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    const err = (await writeOne(h.connector, issue, { netValueUsd: 1 }).catch(
      (e: unknown) => e,
    )) as TrackerError;
    expect(isTrackerError(err)).toBe(true);
    expect(err.kind).toBe('permanent');
    expect(err.details.status).toBe(400);
    expect(err.message).toContain('"Net value" (customfield_10050)');
    expect(err.message).toContain('edit screen');
  });

  it('writing to a deleted issue is not_found', async () => {
    h = await startHarness({ issues: 3 });
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    h.sandbox.deleteIssue(issue.key);
    await expect(writeOne(h.connector, issue, { netValueUsd: 1 })).rejects.toMatchObject({
      kind: 'not_found',
      details: { status: 404 },
    });
  });
});
