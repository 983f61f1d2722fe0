/**
 * Review mode (README "Review before write"): a tracker's plan as items people can read. Pure:
 * the planner's decisions in, one item per issue out, with its field changes, its move in words
 * (never a raw rank string or sort key) and why.
 */
import type { OrderStep } from '../../connectors/connector.js';
import type { WriteValues } from '../domain/index.js';
import { changedValues } from '../scoring/write-diff.js';
import type { IssueRecord } from '../store/issue-record.js';
import type { NewItem, PlanChange, PlanMove, PlanStep } from '../store/pending-plans.js';

/** Lower tracker rank first; issues without a rank last (stable by id). */
function byTrackerRank(a: IssueRecord, b: IssueRecord): number {
  if (a.rank === null || b.rank === null) {
    if (a.rank === b.rank) return a.id < b.id ? -1 : 1;
    return a.rank === null ? 1 : -1;
  }
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const byMember = (a: IssueRecord, b: IssueRecord): number =>
  a.member < b.member ? -1 : a.member > b.member ? 1 : 0;

const shown = (v: unknown): PlanChange['from'] =>
  typeof v === 'number' || typeof v === 'string' ? v : null;

/** The move of `index` in the target order, named by its nearest neighbour that stays put. */
function moveOf(
  target: readonly IssueRecord[],
  index: number,
  fromRank: number | null,
  moved: ReadonlySet<string>,
): PlanMove {
  const toRank = index + 1;
  const ranks = fromRank === null ? `to rank ${toRank}` : `rank ${fromRank} → ${toRank}`;
  const below = target.slice(index + 1).find((r) => !moved.has(r.id)) ?? target[index + 1];
  const above =
    target
      .slice(0, index)
      .reverse()
      .find((r) => !moved.has(r.id)) ?? target[index - 1];
  const where = below
    ? `moves above ${below.key}`
    : above
      ? `moves below ${above.key}`
      : 'moves to the top';
  return { text: `${where} (${ranks})`, fromRank, toRank };
}

/**
 * The pending items of a decided plan: every issue whose values differ or that moves. `records`
 * carry the planner's desired values; `steps` are the tracker's order calls (Jira), and a
 * changed `sortKey` is a move too (Linear, whose moves ride on the write).
 */
export function pendingItems(
  records: readonly IssueRecord[],
  steps: readonly OrderStep[],
): NewItem[] {
  const changesOf = new Map<string, WriteValues>();
  const moved = new Set(steps.flatMap((s) => s.ids));
  for (const r of records) {
    const changes = changedValues(r.current, r.desired);
    if (!changes) continue;
    changesOf.set(r.id, changes);
    if (changes.sortKey !== undefined) moved.add(r.id);
  }
  const current = [...records].sort(byTrackerRank);
  const fromRank = new Map(current.map((r, i) => [r.id, r.rank === null ? null : i + 1]));
  const target = [...records].sort(byMember);

  const items: NewItem[] = [];
  for (const [index, record] of target.entries()) {
    const changes = changesOf.get(record.id) ?? {};
    const listed: PlanChange[] = Object.entries(changes)
      .filter(([field]) => field !== 'sortKey')
      .map(([field, to]) => ({
        field,
        from: shown(record.current[field as keyof WriteValues]),
        to: shown(to),
      }));
    const move = moved.has(record.id)
      ? moveOf(target, index, fromRank.get(record.id) ?? null, moved)
      : null;
    if (listed.length === 0 && move === null) continue;
    items.push({
      item: {
        key: record.key,
        issueId: record.id,
        title: record.title,
        url: record.url === '' ? null : record.url,
        changes: listed,
        move,
        why: record.result.explanation,
        writes: Object.keys(changes).length > 0,
        position: index,
      },
      fingerprint: JSON.stringify([listed.map((c) => [c.field, c.to]), move?.toRank ?? null]),
    });
  }
  return items;
}

type Anchor = { before: string } | { after: string };

/**
 * The order calls of `steps` for the approved issues only. An anchor is a kept issue, or (in a
 * run split over several calls) the last issue of the previous call; when that one is not
 * approved it stays where it is, so the call anchors after the last approved issue before it in
 * the run instead (or on the run's own anchor).
 */
export function approvedSteps(
  steps: readonly PlanStep[],
  approved: ReadonlySet<string>,
): PlanStep[] {
  const stand = new Map<string, Anchor>();
  const out: PlanStep[] = [];
  for (const step of steps) {
    const own: Anchor =
      step.before !== undefined ? { before: step.before } : { after: step.after ?? '' };
    const anchorId = 'before' in own ? own.before : own.after;
    const anchor = stand.get(anchorId) ?? own;
    let cursor = anchor;
    for (const id of step.ids) {
      if (approved.has(id)) cursor = { after: id };
      else stand.set(id, cursor);
    }
    const ids = step.ids.filter((id) => approved.has(id));
    if (ids.length === 0) continue;
    const ranks = Object.fromEntries(ids.map((id) => [id, step.ranks[id] ?? null]));
    out.push({ ...anchor, ids, ranks });
  }
  return out;
}
