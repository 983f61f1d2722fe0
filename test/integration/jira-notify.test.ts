/**
 * notifyUsers: unset, the connector asks Jira (GET /mypermissions) once at create() and sends
 * notifyUsers=false only when the account may; set, config is honoured. `check` says which, and
 * what `fields.rankPosition` costs in writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { jiraModule } from '../../connectors/jira/index.js';
import type { Issue, TrackerError } from '../../src/domain/index.js';
import { DEPS, pullAll, startHarness, type Harness } from './jira-harness.js';
import { writeOne } from './connector-targets.js';

const isEdit = (e: { operation: string }) => e.operation === 'edit';

async function editOf(h: Harness, issue: Issue) {
  h.sandbox.log.clear();
  await writeOne(h.connector, issue, { netValueUsd: 10 });
  return h.sandbox.log.entries.filter(isEdit);
}

async function authedGet(h: Harness, path: string): Promise<{ status: number; body: unknown }> {
  const auth = Buffer.from(`${h.sandbox.credentials.email}:${h.sandbox.credentials.apiToken}`);
  const res = await fetch(`${h.sandbox.url}${path}`, {
    headers: { authorization: `Basic ${auth.toString('base64')}` },
  });
  return { status: res.status, body: await res.json() };
}

describe('jira notifyUsers (against the sandbox)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.sandbox.close();
    h = undefined;
  });

  it('the sandbox answers GET /mypermissions in Jira’s shape, globally and per project', async () => {
    h = await startHarness({ issues: 3, adminRights: { projects: ['APP'] } });
    const global = await authedGet(
      h,
      '/rest/api/3/mypermissions?permissions=ADMINISTER,ADMINISTER_PROJECTS',
    );
    expect(global.status).toBe(200);
    expect(global.body).toMatchObject({
      permissions: {
        ADMINISTER: { key: 'ADMINISTER', type: 'GLOBAL', havePermission: false },
        ADMINISTER_PROJECTS: { key: 'ADMINISTER_PROJECTS', type: 'PROJECT', havePermission: true },
      },
    });
    const ops = await authedGet(
      h,
      '/rest/api/3/mypermissions?permissions=ADMINISTER_PROJECTS&projectKey=OPS',
    );
    expect(ops.body).toMatchObject({
      permissions: { ADMINISTER_PROJECTS: { havePermission: false } },
    });
    expect((await authedGet(h, '/rest/api/3/mypermissions')).status).toBe(400);
    expect((await authedGet(h, '/rest/api/3/mypermissions?permissions=NOPE')).status).toBe(400);
    // create() asked once, then the four requests above, each logged under its operation name.
    expect(h.sandbox.log.count((e) => e.operation === 'mypermissions')).toBe(5);
  });

  it('notifyUsers unset, Administer Jira: create() asks once and edits carry notifyUsers=false', async () => {
    h = await startHarness({ issues: 3, adminRights: { jira: true } });
    const asks = h.sandbox.log.entries.filter((e) => e.operation === 'mypermissions');
    expect(asks).toHaveLength(1);
    expect(asks[0]?.path).toBe(
      '/rest/api/3/mypermissions?permissions=ADMINISTER,ADMINISTER_PROJECTS',
    );
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    const edits = await editOf(h, issue);
    expect(edits.map((e) => [e.path, e.status])).toEqual([
      [`/rest/api/3/issue/${issue.id}?notifyUsers=false`, 204],
    ]);
    expect(h.sandbox.issue(issue.key)?.netValue).toBe(10);
  });

  it('notifyUsers unset, no admin rights: edits omit notifyUsers (watchers are notified)', async () => {
    h = await startHarness({ issues: 3 });
    expect(h.sandbox.log.count((e) => e.operation === 'mypermissions')).toBe(1);
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    const edits = await editOf(h, issue);
    expect(edits.map((e) => [e.path, e.status])).toEqual([[`/rest/api/3/issue/${issue.id}`, 204]]);
  });

  it('notifyUsers unset, Administer Projects in APP only: OPS edits are refused once, then sent without it', async () => {
    h = await startHarness({ issues: 30, adminRights: { projects: ['APP'] } });
    const { issues } = await pullAll(h.connector);
    const app = issues.filter((i) => i.key.startsWith('APP-'));
    const ops = issues.filter((i) => i.key.startsWith('OPS-'));
    expect(app.length).toBeGreaterThan(0);
    expect(ops.length).toBeGreaterThan(1);

    const appEdits = await editOf(h, app[0] as Issue);
    expect(appEdits.map((e) => e.path)).toEqual([
      `/rest/api/3/issue/${app[0]?.id}?notifyUsers=false`,
    ]);

    const first = await editOf(h, ops[0] as Issue);
    expect(first.map((e) => [e.path, e.status])).toEqual([
      [`/rest/api/3/issue/${ops[0]?.id}?notifyUsers=false`, 403],
      [`/rest/api/3/issue/${ops[0]?.id}`, 204],
    ]);
    expect(h.sandbox.issue(ops[0]?.key as string)?.netValue).toBe(10);
    // The project is remembered: no more refused requests there.
    const second = await editOf(h, ops[1] as Issue);
    expect(second.map((e) => [e.path, e.status])).toEqual([
      [`/rest/api/3/issue/${ops[1]?.id}`, 204],
    ]);

    const report = await jiraModule.check(h.config, DEPS);
    expect(report.ok).toBe(true);
    expect(report.lines.map((l) => l.text)).toContain(
      `notifications: the account "${h.sandbox.credentials.email}" has Administer Projects, but not in OPS: edits there notify watchers, elsewhere they are sent with notifyUsers=false`,
    );
  });

  it('notifyUsers: true never asks and never sends it; false without the rights fails clearly', async () => {
    h = await startHarness({ issues: 3, adminRights: { jira: true } }, { notifyUsers: true });
    expect(h.sandbox.log.count((e) => e.operation === 'mypermissions')).toBe(0);
    let issue = (await pullAll(h.connector)).issues[0] as Issue;
    expect((await editOf(h, issue)).map((e) => e.path)).toEqual([`/rest/api/3/issue/${issue.id}`]);
    await h.sandbox.close();

    h = await startHarness({ issues: 3 }, { notifyUsers: false });
    issue = (await pullAll(h.connector)).issues[0] as Issue;
    h.sandbox.log.clear();
    const err = (await writeOne(h.connector, issue, { netValueUsd: 10 }).catch(
      (e: unknown) => e,
    )) as TrackerError;
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 403 } });
    expect(err.message).toContain('notifyUsers=false');
    expect(err.message).toContain('Administer Projects');
    expect(err.message).toContain(h.sandbox.credentials.email);
    // Refused whole, as Jira does: nothing written, and no retry without the parameter.
    expect(h.sandbox.log.count(isEdit)).toBe(1);
    expect(h.sandbox.issue(issue.key)?.netValue).toBeNull();
  });

  it('check() states whether the account may suppress notifications, and the rankPosition cost', async () => {
    h = await startHarness({ issues: 12, adminRights: { jira: true } });
    const report = await jiraModule.check(h.config, DEPS);
    expect(report.ok).toBe(true);
    const text = report.lines.map((l) => l.text);
    expect(text).toContainEqual(
      expect.stringMatching(
        /^notifications: .*has Administer Jira, so it may suppress notifications: edits are sent with notifyUsers=false$/,
      ),
    );
    expect(text).toContainEqual(
      "rankPosition: one issue moving N places rewrites up to N other issues' positions (each a Jira edit, sent with notifyUsers=false); positions settle once per sync.rankSettleMs after webhooks",
    );
    await h.sandbox.close();

    h = await startHarness({ issues: 12 });
    const plain = await jiraModule.check(h.config, DEPS);
    expect(plain.ok).toBe(true);
    const lines = plain.lines.map((l) => l.text);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^notifications: .* has neither Administer Jira nor Administer Projects, so it may not suppress notifications: edits notify watchers$/,
      ),
    );
    expect(lines).toContainEqual(
      "rankPosition: one issue moving N places rewrites up to N other issues' positions (each a Jira edit, notifying watchers unless notifyUsers is false); positions settle once per sync.rankSettleMs after webhooks",
    );

    const denied = await jiraModule.check(
      JiraTrackerConfig.parse(h.sandbox.trackerConfig({ notifyUsers: false })),
      DEPS,
    );
    expect(denied.ok).toBe(false);
    const bad = denied.lines.filter((l) => !l.ok).map((l) => l.text);
    expect(bad).toEqual([expect.stringContaining('notifyUsers: false but the account')]);
    expect(bad[0]).toContain('Jira refuses those edits (403)');

    const noPosition = await jiraModule.check(
      JiraTrackerConfig.parse(h.sandbox.trackerConfig({ fields: { rankPosition: undefined } })),
      DEPS,
    );
    expect(noPosition.lines.some((l) => l.text.startsWith('rankPosition:'))).toBe(false);
  });
});
