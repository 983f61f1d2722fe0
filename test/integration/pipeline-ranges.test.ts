/**
 * Ranges, risk figures and orders end to end (issue 13): both sandboxes seed a few symmetric
 * three-point estimates (Jira range fields, Linear range labels); a sync writes the expected net
 * value, P10, P90 and confidence to Jira and the risk figures into Linear's attachment; rankBy p10
 * and order cd3 each change the board order; an unchanged re-sync writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_RANGE_FIELD_NAMES as RANGE } from '../../connectors/jira/sandbox/data.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { rankItems } from '../../src/scoring/rank.js';
import type { IssueRecord } from '../../src/store/issue-record.js';
import {
  startHarness,
  writeCounts,
  type Harness,
  type HarnessOptions,
} from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const syncAll = (harness: Harness, full = false) =>
  runSync(harness.ctx, { trackerIds: ['acme-jira', 'acme-linear'], full, dryRun: false }).then(
    totals,
  );

const JIRA_FIELDS = {
  value: 'Value ($/month)',
  cost: 'Cost (hours)',
  costUnit: 'hours',
  netValue: 'Net value',
  rankPosition: 'Net value rank',
  valueLow: RANGE.valueLow,
  valueHigh: RANGE.valueHigh,
  costLow: RANGE.costLow,
  costHigh: RANGE.costHigh,
  netValueLow: RANGE.netValueLow,
  netValueHigh: RANGE.netValueHigh,
  confidence: RANGE.confidence,
};

function options(scoring: Record<string, unknown> = {}): HarnessOptions {
  return {
    jira: { issues: 60, includeExamples: true, seed: 3 },
    linear: { issues: 60, seed: 4 },
    config: { scoring },
    jiraTracker: { rank: true, fields: JIRA_FIELDS },
    linearTracker: {
      cost: { from: 'labels' },
      writeBack: { prioritySortOrder: true, priority: false, attachment: true },
    },
  };
}

async function records(harness: Harness, trackerId: string): Promise<IssueRecord[]> {
  return (await harness.ctx.store.rankingAll())
    .map(({ record }) => record)
    .filter((r) => r.trackerId === trackerId);
}

/** The Jira board's order of the in-scope issues. */
function jiraBoard(harness: Harness): string[] {
  return harness.jira
    .issuesInRankOrder()
    .filter((i) => i.status !== 'Done')
    .map((i) => i.key);
}

describe('pipeline: ranges and risk figures on both sandboxes', () => {
  it('writes net value, P10, P90 and confidence, keeps the examples exact, and re-syncs nothing', async () => {
    h = await startHarness(options());
    const first = await syncAll(h);
    expect(first.failed).toBe(0);

    const jira = await records(h, 'acme-jira');
    const connector = h.ctx.connectors.get('acme-jira');
    if (!connector) throw new Error('no Jira connector');
    const ranged = jira.filter(
      (r) => r.inputs.valueLow !== undefined && r.inputs.valueLow !== null,
    );
    expect(ranged.length).toBeGreaterThanOrEqual(3);
    for (const record of jira) {
      const issue = await connector.fetchIssue(record.id);
      const { result } = record;
      expect(issue?.current, record.key).toMatchObject({
        netValueUsd: result.netValueUsd,
        netValueLowUsd: result.netValueLowUsd,
        netValueHighUsd: result.netValueHighUsd,
        confidencePct: result.confidencePct,
      });
    }
    // Symmetric ranges: the expected net value is the single-number one; P10 < it < P90.
    for (const record of ranged.filter((r) => r.result.status === 'scored')) {
      const { value, cost } = record.inputs as { value: number; cost: number };
      expect(record.result.netValueUsd).toBe(Math.round((value - cost * 50) * 100) / 100);
      expect(record.result.netValueLowUsd).toBeLessThan(record.result.netValueUsd as number);
      expect(record.result.netValueHighUsd).toBeGreaterThan(record.result.netValueUsd as number);
      expect(record.result.explanation).toMatch(/ expected \(P10 .*, P90 .*% chance above \$0\)$/);
    }
    // The method's two examples are untouched: $3,000 and $4,500, P10 = P90, 100% above $0.
    const byTitle = (title: string) => jira.find((r) => r.title === title)?.result;
    expect(byTitle('Implement a new user login feature')).toMatchObject({
      netValueUsd: 3000,
      netValueLowUsd: 3000,
      netValueHighUsd: 3000,
      confidencePct: 100,
      explanation: '$5,000/mo x 1 mo - 40 h x $50/h = $3,000',
    });
    expect(byTitle('Optimize application performance')).toMatchObject({ netValueUsd: 4500 });

    // Linear: the risk figures of a ranged issue ride in netvalue's attachment.
    const linear = await records(h, 'acme-linear');
    const linearRanged = linear.filter(
      (r) => r.result.status === 'scored' && typeof r.inputs.valueLow === 'number',
    );
    expect(linearRanged.length).toBeGreaterThan(0);
    for (const record of linearRanged) {
      const [attachment] = h.linear.issue(record.key).attachments;
      expect(attachment?.subtitle).toBe(record.result.explanation);
      expect(attachment?.subtitle).toContain('P10');
    }

    // The ranking API items carry the risk figures and CD3.
    const [top] = await h.ctx.store.rankingPage(0, 1);
    expect(top?.record.result).toMatchObject({
      netValueLowUsd: expect.any(Number) as unknown,
      confidencePct: expect.any(Number) as unknown,
    });

    // Nothing changed: a full re-sync writes nothing and moves nothing.
    const before = writeCounts(h);
    const second = await syncAll(h, true);
    expect(second).toMatchObject({ written: 0, failed: 0, moved: 0 });
    expect(writeCounts(h)).toEqual(before);
  });

  it('rankBy p10 orders the board by P10, and the net values written stay the expected ones', async () => {
    h = await startHarness(options({ rankBy: 'p10' }));
    expect((await syncAll(h)).failed).toBe(0);
    const jira = await records(h, 'acme-jira');
    const byP10 = rankItems(jira, { rankBy: 'p10' }).map(({ item }) => item.key);
    const byExpected = rankItems(jira).map(({ item }) => item.key);
    expect(jira.map((r) => r.key)).toEqual(byP10);
    expect(byP10).not.toEqual(byExpected);
    expect(jiraBoard(h)).toEqual(byP10);
    for (const r of jira.filter((x) => x.result.status === 'scored')) {
      const { value, cost } = r.inputs as { value: number; cost: number };
      expect(h.jira.issue(r.key)?.netValue).toBe(Math.round((value - cost * 50) * 100) / 100);
    }
  });

  it('order cd3 puts the issues worth doing first by CD3, then the rest by net value', async () => {
    h = await startHarness(options({ order: 'cd3' }));
    expect((await syncAll(h)).failed).toBe(0);
    const jira = await records(h, 'acme-jira');
    const board = jiraBoard(h);
    expect(board).toEqual(jira.map((r) => r.key));
    expect(board).not.toEqual(rankItems(jira).map(({ item }) => item.key));
    // Positive issues come first, by CD3 descending; then the others by net value descending.
    const scored = jira.filter((r) => r.result.status === 'scored');
    const positive = scored.filter((r) => (r.result.netValueUsd as number) > 0);
    expect(scored.slice(0, positive.length)).toEqual(positive);
    const cd3s = positive.map((r) => r.result.cd3 ?? Number.POSITIVE_INFINITY);
    expect(cd3s).toEqual([...cd3s].sort((a, b) => b - a));
    const rest = scored.slice(positive.length).map((r) => r.result.netValueUsd as number);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
    expect(jira.at(0)?.result.explanation).toContain('CD3 order');
  });
});
