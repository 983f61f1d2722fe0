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
  /** P10 of the net value; equals it for point inputs. */
  netValueLowUsd: number | null;
  /** P90 of the net value; equals it for point inputs. */
  netValueHighUsd: number | null;
  /** Chance (whole %) that the net value is above $0. */
  confidencePct: number | null;
  /** Mean Value ($/month) per mean Cost hour; null when not computable. */
  cd3: number | null;
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
    netValueLowUsd: result.netValueLowUsd,
    netValueHighUsd: result.netValueHighUsd,
    confidencePct: result.confidencePct,
    cd3: result.cd3,
    reason: result.reason,
    explanation: result.explanation,
  };
}
