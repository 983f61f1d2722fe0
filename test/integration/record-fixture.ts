/** A stored issue record of tracker `j`, scored at `netValueUsd`, for store tests. */
import type { IssueRecord } from '../../src/store/issue-record.js';
import { rankMember } from '../../src/store/issue-store.js';

export function recordFixture(
  id: string,
  netValueUsd: number,
  overrides: Partial<IssueRecord> = {},
): IssueRecord {
  return {
    trackerId: 'j',
    id,
    key: `APP-${id}`,
    title: 'Login',
    url: `https://example.invalid/APP-${id}`,
    updatedAt: new Date(0).toISOString(),
    inputs: { value: netValueUsd, cost: 0, costUnit: 'hours' },
    result: {
      status: 'scored',
      valueUsdPerMonth: netValueUsd,
      costUsd: 0,
      netValueUsd,
      netValueLowUsd: netValueUsd,
      netValueHighUsd: netValueUsd,
      confidencePct: netValueUsd > 0 ? 100 : 0,
      cd3: null,
      reason: '',
      explanation: '',
    },
    current: {},
    desired: { netValueUsd },
    rank: null,
    pinned: false,
    member: rankMember(String(1e9 - netValueUsd), 'j', id),
    scoredWith: 'h',
    lastWrittenAt: null,
    ...overrides,
  };
}
