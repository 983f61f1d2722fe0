/**
 * Offline connectors (`ConnectorModule.offline`): serve's HTTP thread builds them from what its job
 * thread's connectors learned, sent across threads, and parses webhooks and maps results with
 * them exactly as the connectors that reach the tracker do, without making any call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector, WriteTarget } from '../../connectors/connector.js';
import { jiraModule } from '../../connectors/jira/index.js';
import { linearModule } from '../../connectors/linear/index.js';
import { writeTargets } from './connector-targets.js';
import { pullAll } from '../../connectors/pull-all.js';
import * as jira from './jira-harness.js';
import * as linear from './linear-harness.js';

const LINEAR_SECRET = 'lin_wh_sandbox_secret_0123456789abcdef';
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

/** The first scored issue's target, as the pipeline would compute it. */
async function firstTarget(c: Connector): Promise<WriteTarget> {
  const targets = writeTargets((await pullAll(c)).issues);
  const scored = [...targets.values()].find((t) => t.result.status === 'scored');
  if (!scored) throw new Error('the sandbox holds no scored issue');
  return scored;
}

/** What a connector decides without a call: its values, order and a webhook's event. */
function offlineView(
  c: Connector,
  target: WriteTarget,
  delivery: { headers: Record<string, string>; body: string },
  now: number,
) {
  return {
    trackerId: c.trackerId,
    kind: c.kind,
    writes: [...c.writes].sort(),
    maxWriteBatch: c.maxWriteBatch,
    ordered: c.order !== null,
    desired: c.desired(target),
    event: c.parseWebhook(delivery.headers, Buffer.from(delivery.body), now),
  };
}

async function refusesCalls(c: Connector): Promise<void> {
  const calls = [
    c.pullPage({ cursor: null, sinceIso: null }),
    c.fetchIssue('1'),
    c.leftScope(new Date().toISOString()),
    c.write([{ ref: { trackerId: c.trackerId, id: '1', key: 'K-1' }, changes: {} }]),
  ];
  for (const call of calls) await expect(call).rejects.toThrow(/makes no tracker call/);
  expect(c.budget()).toBeNull();
  expect(c.requestCounts()).toEqual({ reads: 0, writes: 0 });
}

describe('offline connectors', () => {
  it('Jira: parses a delivery and maps values as the connector that learned the fields', async () => {
    const h = await jira.startHarness({ issues: 5, includeExamples: true }, { rank: true });
    closing.push(() => h.sandbox.close());
    const target = await firstTarget(h.connector);
    const before = h.sandbox.log.entries.length;
    const offline = jiraModule.offline(h.config, structuredClone(h.connector.learned), jira.DEPS);
    h.sandbox.editIssue('APP-1', { value: 6000 });
    const delivery = h.sandbox.webhook('APP-1', { secret: h.sandbox.webhookSecret });
    const now = Date.now();
    const view = offlineView(offline, target, delivery, now);
    expect(view).toEqual(offlineView(h.connector, target, delivery, now));
    expect(view.event.ok).toBe(true);
    expect(view.ordered).toBe(true);
    await refusesCalls(offline);
    expect(h.sandbox.log.entries.length).toBe(before);
  });

  it('Linear: parses a delivery (teams, label groups, our user) as the connector that learned them', async () => {
    const h = await linear.startHarness(
      { issues: 5, includeExamples: true },
      { webhookSecret: LINEAR_SECRET },
    );
    closing.push(() => h.sandbox.close());
    const target = await firstTarget(h.connector);
    const before = h.sandbox.log.entries.length;
    const offline = linearModule.offline(
      h.config,
      structuredClone(h.connector.learned),
      linear.DEPS,
    );
    h.sandbox.editIssue('ENG-1', { valueLabel: '$8k' });
    const delivery = h.sandbox.webhook('ENG-1', {
      secret: LINEAR_SECRET,
      updatedFrom: { labelIds: [] },
      actorId: 'someone-else',
    });
    const now = Date.now();
    const view = offlineView(offline, target, delivery, now);
    expect(view).toEqual(offlineView(h.connector, target, delivery, now));
    expect(view.event.ok && view.event.event.issue).toBeTruthy();
    await refusesCalls(offline);
    expect(h.sandbox.log.entries.length).toBe(before);
  });

  it('refuses what another kind learned, naming the tracker and the field', async () => {
    const l = await linear.startHarness({ issues: 2 }, {});
    closing.push(() => l.sandbox.close());
    const j = await jira.startHarness({ issues: 2 });
    closing.push(() => j.sandbox.close());
    expect(() => linearModule.offline(l.config, j.connector.learned, linear.DEPS)).toThrow(
      /Linear tracker "[^"]+":[\s\S]*valueGroupIds/,
    );
    expect(() => jiraModule.offline(j.config, l.connector.learned, jira.DEPS)).toThrow(
      /Jira tracker "[^"]+":[\s\S]*fields/,
    );
  });
});
