/** The contract's ranking item (`netvalue ranking --json`, `GET /admin/ranking`). */
import type { IssueRecord } from '../store/issue-record.js';

export interface RankingItem {
  rank: number;
  trackerId: string;
  key: string;
  title: string;
  url: string;
  status: IssueRecord['result']['status'];
  valueUsdPerMonth: number | null;
  costUsd: number | null;
  netValueUsd: number | null;
  reason: string;
  explanation: string;
}

export function rankingItem(rank: number, record: IssueRecord): RankingItem {
  const { result } = record;
  return {
    rank,
    trackerId: record.trackerId,
    key: record.key,
    title: record.title,
    url: record.url,
    status: result.status,
    valueUsdPerMonth: result.valueUsdPerMonth,
    costUsd: result.costUsd,
    netValueUsd: result.netValueUsd,
    reason: result.reason,
    explanation: result.explanation,
  };
}
