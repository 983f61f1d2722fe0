/**
 * The write cost of `rankPosition`: how many issues get a new position written when one issue of
 * a backlog moves some places in the unified ranking. Planned with the real planning code
 * (`planTracker`) on records built in memory, for a tracker that holds net value and position
 * (Jira with `fields.rankPosition`); no Redis and no tracker are needed.
 */
import type { Connector } from '../connectors/connector.js';
import type { Issue, WriteValues } from '../src/domain/index.js';
import { planTracker } from '../src/pipeline/plan-tracker.js';
import { scoreRecord } from '../src/pipeline/score-record.js';
import { DEFAULT_SCORING_SETTINGS } from '../src/scoring/defaults.js';
import { changedValues } from '../src/scoring/write-diff.js';
import type { IssueRecord } from '../src/store/issue-record.js';

const TRACKER = 'bench-jira';
const SETTINGS = DEFAULT_SCORING_SETTINGS;

/** What Jira with `fields.rankPosition` holds per issue (connectors/jira/write.ts desiredValues). */
const holdsPosition: Pick<Connector, 'desired' | 'order'> = {
  desired: (target) => ({
    netValueUsd: target.result.netValueUsd,
    rankPosition: target.rankPosition,
  }),
  order: null,
};
const scoreEnv = {
  settings: SETTINGS,
  settingsHash: 'bench',
  connector: holdsPosition as Connector,
};

/** Issue i is worth (n - i) × $100/month for 1 hour: the backlog's unified order is by index. */
function issue(i: number, valueUsdPerMonth: number): Issue {
  return {
    trackerId: TRACKER,
    id: String(100_000 + i),
    key: `APP-${i + 1}`,
    title: `issue ${i + 1}`,
    url: `https://example.atlassian.net/browse/APP-${i + 1}`,
    labels: [],
    updatedAt: '2026-01-01T00:00:00.000Z',
    inputs: {
      value: valueUsdPerMonth,
      cost: 1,
      costUnit: 'hours',
      valueSource: 'bench',
      costSource: 'bench',
    },
    current: { netValueUsd: null, rankPosition: null },
    rank: null,
    pinned: false,
  };
}

function positionsOf(records: readonly IssueRecord[]): Map<string, number> {
  const order = [...records].sort((a, b) => (a.member < b.member ? -1 : 1));
  return new Map(order.map((r, i) => [r.id, i + 1]));
}

/** Plans, then has the tracker hold what was planned (as after a completed write-back). */
function settle(records: IssueRecord[]): IssueRecord[] {
  const plan = planTracker(records, positionsOf(records), holdsPosition, SETTINGS);
  return plan.records.map((r) => ({ ...r, current: { ...r.current, ...r.desired } }));
}

export interface PositionWrites {
  issues: number;
  placesMoved: number;
  /** Issues whose written position changes (the moved one included). */
  positionWrites: number;
  /** Jira edits in all (each issue's changes go in one edit). */
  edits: number;
}

/**
 * One issue in the middle of an `n`-issue backlog whose tracker already holds every position
 * gains value and moves up `places` places; counts the position writes the next plan makes.
 */
export function benchPositionWrites(n = 10_000, places = 10): PositionWrites {
  if (places < 1 || places > Math.floor(n / 2))
    throw new RangeError(`cannot move ${places} of ${n}`);
  const value = (i: number) => (n - i) * 100;
  let records = settle(
    Array.from({ length: n }, (_, i) => scoreRecord(issue(i, value(i)), null, scoreEnv)),
  );
  const from = Math.floor(n / 2);
  const to = from - places;
  // Worth between the issues now at `to - 1` and `to` (0-based), so it lands at index `to`.
  const moved = scoreRecord(issue(from, value(to) + 50), null, scoreEnv);
  records = records.map((r) =>
    r.id === moved.id ? { ...moved, current: r.current, lastWrittenAt: r.lastWrittenAt } : r,
  );
  const positions = positionsOf(records);
  const placesMoved = from + 1 - (positions.get(moved.id) as number);
  const plan = planTracker(records, positions, holdsPosition, SETTINGS);
  const byId = new Map(plan.records.map((r) => [r.id, r]));
  let positionWrites = 0;
  for (const id of plan.writeIds) {
    const r = byId.get(id) as IssueRecord;
    const changes: WriteValues | null = changedValues(r.current, r.desired);
    if (changes && 'rankPosition' in changes) positionWrites++;
  }
  return { issues: n, placesMoved, positionWrites, edits: plan.writeIds.length };
}
