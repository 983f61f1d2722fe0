/**
 * `netvalue plan` and `netvalue approve` as a user runs them (`node bin/netvalue.js ...`), against
 * a deployment whose Jira tracker is in review mode. The commands read and change the pending plan
 * in Redis; the workers of this test process send what was approved to the sandbox.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardPlan } from '../../src/pipeline/plan-approval.js';
import { listPlans, type PlanView } from '../../src/pipeline/review-plans.js';
import { formatUsd } from '../../src/scoring/format.js';
import { runNetvalue } from './cli-process.js';
import { JIRA_FIELDS, startServerHarness, syncAll, type ServerHarness } from './server-harness.js';

const JIRA = 'acme-jira';
const dir = mkdtempSync(join(tmpdir(), 'netvalue-cli-plan-'));
let h: ServerHarness;
let configPath: string;

beforeAll(async () => {
  h = await startServerHarness({
    jira: { issues: 16, seed: 1421 },
    linear: { issues: 6, seed: 1422 },
    jiraTracker: { writeMode: 'review', rank: true, fields: JIRA_FIELDS },
  });
  await syncAll(h);
  configPath = join(dir, 'netvalue.config.yaml');
  writeFileSync(configPath, JSON.stringify(h.config));
});
afterAll(async () => {
  await h?.close();
});

const netvalue = (...args: string[]) =>
  runNetvalue([...args, '--config', configPath], { cwd: dir, killAfterMs: 60_000 });

describe('netvalue plan / approve', () => {
  it('plan --json prints the pending plans as GET /admin/plans does', async () => {
    const run = await netvalue('plan', '--json');
    expect(run.code, run.stderr).toBe(0);
    const { plans } = JSON.parse(run.stdout) as { plans: PlanView[] };
    const stored = await listPlans(h.ctx);
    expect(plans).toEqual(stored);
    expect(plans.map((p) => p.trackerId)).toEqual([JIRA]);
    expect(plans[0]?.items.length).toBeGreaterThan(3);
  });

  it('plan prints one line per change and move, in dollars and words', async () => {
    const run = await netvalue('plan', '--tracker', JIRA);
    expect(run.code, run.stderr).toBe(0);
    const [plan] = await listPlans(h.ctx, JIRA);
    if (!plan) throw new Error('no plan');
    expect(run.stdout).toContain(`${JIRA} (jira): ${plan.items.length} pending`);
    const width = Math.max(...plan.items.map((i) => i.key.length));
    for (const item of plan.items) {
      for (const c of item.changes) {
        const to = formatUsd(c.to as number);
        expect(run.stdout).toContain(
          `  ${item.key.padEnd(width)}  Net value  (empty) → ${to}  (${item.why})`,
        );
      }
      if (item.move)
        expect(run.stdout).toContain(`  ${item.key.padEnd(width)}  ${item.move.text}  (`);
    }
    // Never a raw rank string.
    for (const r of await h.ctx.store.all(JIRA))
      if (typeof r.rank === 'string') expect(run.stdout).not.toContain(r.rank);
  });

  it('approve --keys queues exactly those writes; the workers send them', async () => {
    const [plan] = await listPlans(h.ctx, JIRA);
    const item = plan?.items.find((i) => i.changes.length > 0 && i.move === null);
    if (!plan || !item) throw new Error('no value-only item');
    const written = h.jira.log.waitFor(
      (e) => e.operation === 'edit' && e.path.endsWith(`/${item.issueId}`),
    );
    const run = await netvalue('approve', '--tracker', JIRA, '--keys', item.key, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ approved: 1, remaining: plan.items.length - 1 });
    await written;
    expect(h.jira.issue(item.key)?.netValue).toBe(item.changes[0]?.to);
    expect(h.jira.log.count((e) => e.operation === 'edit')).toBe(1);
    const audit = await h.ctx.audit.forIssue(JIRA, item.issueId);
    expect(audit.find((e) => e.field === 'review')?.why).toMatch(/^approved by cli/);
    const [after] = await listPlans(h.ctx, JIRA);
    expect(after?.items.map((i) => i.key)).not.toContain(item.key);
  });

  // Each case starts a process (a few seconds under load): a longer time limit than the default.
  it('approve exits 2 naming the flag: missing or unknown tracker, unknown keys, auto mode', async () => {
    const [plan] = await listPlans(h.ctx, JIRA);
    expect(plan?.items.length).toBeGreaterThan(0);
    const [noTracker, unknown, keys, auto] = await Promise.all([
      netvalue('approve', '--keys', 'APP-1,'),
      netvalue('approve', '--tracker', 'nope'),
      netvalue('approve', '--tracker', JIRA, '--keys', 'NOPE-1,NOPE-2'),
      netvalue('approve', '--tracker', 'acme-linear'),
    ]);
    expect([noTracker.code, noTracker.stderr]).toEqual([
      2,
      expect.stringContaining('--tracker is required'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--tracker: no tracker 'nope' is configured/);
    expect(keys.code).toBe(2);
    expect(keys.stderr).toContain('--keys: not in the pending plan');
    expect(keys.stderr).toContain('NOPE-1, NOPE-2');
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/--tracker: .*writeMode: auto/);
    // Nothing was taken out of the plan by any of them.
    const [same] = await listPlans(h.ctx, JIRA);
    expect(same?.items.map((i) => i.key)).toEqual(plan?.items.map((i) => i.key));
  }, 90_000);

  it('plan exits 2 on an unknown tracker; approve exits 2 when nothing is pending', async () => {
    const [planUnknown, emptyKey] = await Promise.all([
      netvalue('plan', '--tracker', 'nope'),
      netvalue('approve', '--tracker', JIRA, '--keys', 'APP-1,'),
    ]);
    expect(planUnknown.code).toBe(2);
    expect(planUnknown.stderr).toContain("--tracker: no tracker 'nope'");
    expect(emptyKey.code).toBe(2);
    expect(emptyKey.stderr).toContain('--keys must list issue keys');

    await discardPlan(h.ctx, JIRA, undefined, 'test');
    const nothing = await netvalue('approve', '--tracker', JIRA);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain(`--tracker: nothing pending for tracker '${JIRA}'`);
  }, 90_000);
});
