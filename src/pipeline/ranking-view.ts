/** The contract's ranking item (`netvalue ranking --json`, `GET /admin/ranking`). */
import type { WorkType } from '../domain/index.js';
import type { IssueRecord } from '../store/issue-record.js';

/** A record stored before work types were kept: unclassified until its next pull. */
export const NOT_CLASSIFIED_YET: WorkType = {
  type: 'unclassified',
  rule: 'not classified yet (stored before work types; the next pull classifies it)',
};

export function workTypeOf(record: Pick<IssueRecord, 'workType'>): WorkType {
  return record.workType ?? NOT_CLASSIFIED_YET;
}

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
  /** Technical or product work (README "Backlog reviews"). */
  workType: WorkType['type'];
  /** The workType rule that matched (`label tech-debt`), or why none did. */
  workTypeRule: string;
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
    workType: workTypeOf(record).type,
    workTypeRule: workTypeOf(record).rule,
  };
}
