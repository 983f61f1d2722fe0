import { describe, expect, it } from 'vitest';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { desiredValues } from '../../connectors/linear/connector.js';
import type { NetValue } from '../../src/domain/index.js';

const scored: NetValue = {
  status: 'scored',
  valueUsdPerMonth: 5000,
  costUsd: 2000,
  netValueUsd: 3000,
  netValueLowUsd: 3000,
  netValueHighUsd: 3000,
  confidencePct: 100,
  cd3: 125,
  reason: '',
  explanation: '$5,000/mo x 1 mo - 40 h x $50/h = $3,000',
};
const unscored: NetValue = {
  status: 'unscored',
  valueUsdPerMonth: null,
  costUsd: 2000,
  netValueUsd: null,
  netValueLowUsd: null,
  netValueHighUsd: null,
  confidencePct: null,
  cd3: null,
  reason: 'Value is missing',
  explanation: 'needs input: Value is missing',
};

const config = (writeBack: {
  prioritySortOrder: boolean;
  priority: boolean;
  attachment: boolean;
}): LinearTrackerConfig =>
  LinearTrackerConfig.parse({ id: 'l', kind: 'linear', apiKey: 'k', teams: ['ENG'], writeBack });

describe('desired values on a Linear issue', () => {
  it('holds only what config enables, never a sort key (the rank planner sets it)', () => {
    expect(
      desiredValues(config({ prioritySortOrder: true, priority: false, attachment: false }), {
        result: scored,
        rankPosition: 1,
        priority: 3,
      }),
    ).toEqual({});
  });

  it.each([
    [2, 2],
    [3, 3],
    [4, 4],
    [1, 2],
    [null, 0],
  ])('priority bucket %j -> %i (never Urgent; no net value -> No priority)', (bucket, expected) => {
    const values = desiredValues(
      config({ prioritySortOrder: true, priority: true, attachment: false }),
      {
        result: bucket === null ? unscored : scored,
        rankPosition: bucket === null ? null : 1,
        priority: bucket,
      },
    );
    expect(values.priority).toBe(expected);
  });

  it('the note is the explanation when scored, and null (remove it) otherwise', () => {
    const on = config({ prioritySortOrder: false, priority: false, attachment: true });
    expect(desiredValues(on, { result: scored, rankPosition: 4, priority: 3 })).toEqual({
      note: scored.explanation,
    });
    expect(desiredValues(on, { result: unscored, rankPosition: null, priority: null })).toEqual({
      note: null,
    });
  });
});
