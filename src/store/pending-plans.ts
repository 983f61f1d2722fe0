/**
 * Review mode's pending plans (README "Review before write"): per tracker one hash holding the
 * writes and rank moves that wait for an admin, re-planned by every plan job.
 *
 * Fields: `item:<issueId>` (the item as listed), `fp:<issueId>` (its fingerprint: the values and
 * the place it wants), `held:<issueId>` (the fingerprint of an item an admin approved or
 * discarded), `steps` (the tracker's order calls for the whole plan) and `updated-at`.
 *
 * A held item stays out of the plan while a re-plan asks for exactly the same thing: an approved
 * item until its write lands (then the difference is gone, and so is the mark), a discarded one
 * until its desired value or place changes. Re-planning and taking run as Lua scripts on the one
 * key, so an approval never races a re-plan into listing an item twice.
 */
import type { RedisClient } from './redis-client.js';
import { z } from 'zod';
import { parseStoredJson, type OnCorrupt } from './corrupt.js';
import type { Keys } from './keys.js';
import { runScript } from './lua.js';

const PlanValue = z.union([z.number(), z.string(), z.null()]);

export const PlanChangeSchema = z.object({
  field: z.string().describe('the value netvalue writes: netValueUsd, rankPosition, priority, ...'),
  from: PlanValue.describe('what the tracker holds now'),
  to: PlanValue.describe('what it would hold once approved'),
});
export type PlanChange = z.infer<typeof PlanChangeSchema>;

export const PlanMoveSchema = z.object({
  text: z.string().describe('the move in words, e.g. "moves above APP-3 (rank 12 → 4)"'),
  fromRank: z.number().int().nullable().describe("position in the tracker's order now (1 first)"),
  toRank: z.number().int().describe("position in the tracker's order once ranked by net value"),
});
export type PlanMove = z.infer<typeof PlanMoveSchema>;

/**
 * One issue's pending writes, as stored. `writes` (it has values for a write job) and `position`
 * (its place in the tracker's target order, to list the plan in ranking order) are ours.
 */
export const StoredItemSchema = z.object({
  key: z.string().min(1),
  issueId: z.string().min(1),
  title: z.string(),
  url: z.string().nullable(),
  changes: z.array(PlanChangeSchema),
  move: PlanMoveSchema.nullable(),
  why: z.string(),
  writes: z.boolean(),
  position: z.number().int(),
});
export type StoredItem = z.infer<typeof StoredItemSchema>;

/** One order call of the plan (a rank batch and the ranks its issues get). */
export const PlanStepSchema = z.object({
  ids: z.array(z.string().min(1)).min(1),
  before: z.string().optional(),
  after: z.string().optional(),
  ranks: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

export interface StoredPlan {
  /** When the plan was last re-planned; null before the first plan. */
  updatedAt: string | null;
  items: StoredItem[];
  steps: PlanStep[];
}

// KEYS: the plan. ARGV: updated-at, steps JSON, then id, item JSON, fingerprint per item. The
// plan becomes exactly these items, less those held with the same fingerprint; a held mark whose
// item is gone or changed is dropped.
const REPLACE = `
local key = KEYS[1]
local listed = {}
for i = 3, #ARGV, 3 do
  local id, item, fp = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  listed[id] = true
  local held = redis.call('HGET', key, 'held:' .. id)
  if held == fp then
    redis.call('HDEL', key, 'item:' .. id, 'fp:' .. id)
  else
    if held then redis.call('HDEL', key, 'held:' .. id) end
    redis.call('HSET', key, 'item:' .. id, item, 'fp:' .. id, fp)
  end
end
for _, field in ipairs(redis.call('HKEYS', key)) do
  local id = string.match(field, '^[a-z]+:(.*)$')
  if id and not listed[id] then redis.call('HDEL', key, field) end
end
redis.call('HSET', key, 'updated-at', ARGV[1], 'steps', ARGV[2])
return 1`;

// KEYS: the plan. ARGV: issue ids. Takes each listed item out and holds its fingerprint.
// Returns { items left, steps JSON, taken item JSON... }.
const TAKE = `
local key = KEYS[1]
local out = {0, redis.call('HGET', key, 'steps') or '[]'}
for _, id in ipairs(ARGV) do
  local item = redis.call('HGET', key, 'item:' .. id)
  if item then
    local fp = redis.call('HGET', key, 'fp:' .. id) or ''
    redis.call('HDEL', key, 'item:' .. id, 'fp:' .. id)
    redis.call('HSET', key, 'held:' .. id, fp)
    out[#out + 1] = item
  end
end
for _, field in ipairs(redis.call('HKEYS', key)) do
  if string.sub(field, 1, 5) == 'item:' then out[1] = out[1] + 1 end
end
return out`;

export interface NewItem {
  item: StoredItem;
  /** What the item asks for (values and place): equal fingerprints ask for the same writes. */
  fingerprint: string;
}

export class PendingPlans {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    /** Told about every stored part that does not parse (it is then left out). */
    private readonly onCorrupt: OnCorrupt,
  ) {}

  /** The plan becomes `items` (less held ones asking for the same) and `steps`. */
  async replace(
    trackerId: string,
    items: readonly NewItem[],
    steps: readonly PlanStep[],
    atIso: string,
  ): Promise<void> {
    const args = items.flatMap(({ item, fingerprint }) => [
      item.issueId,
      JSON.stringify(item),
      fingerprint,
    ]);
    await runScript(
      this.redis,
      REPLACE,
      1,
      this.keys.pendingPlan(trackerId),
      atIso,
      JSON.stringify(steps),
      ...args,
    );
  }

  async get(trackerId: string): Promise<StoredPlan> {
    const fields = await this.redis.hgetall(this.keys.pendingPlan(trackerId));
    const items: StoredItem[] = [];
    for (const [field, json] of Object.entries(fields)) {
      if (!field.startsWith('item:')) continue;
      const item = this.parseItem(trackerId, field.slice(5), json);
      if (item) items.push(item);
    }
    return {
      updatedAt: fields['updated-at'] ?? null,
      items,
      steps: this.parseSteps(trackerId, fields['steps'] ?? '[]'),
    };
  }

  /**
   * Takes these issues' items out of the plan (approved or discarded), holding each one until a
   * re-plan asks for something else. Returns the items taken, the plan's steps and what is left.
   */
  async take(
    trackerId: string,
    issueIds: readonly string[],
  ): Promise<{ taken: StoredItem[]; steps: PlanStep[]; remaining: number }> {
    const reply = (await runScript(
      this.redis,
      TAKE,
      1,
      this.keys.pendingPlan(trackerId),
      ...issueIds,
    )) as [number, string, ...string[]];
    const [remaining, steps, ...taken] = reply;
    return {
      taken: taken
        .map((json) => this.parseItem(trackerId, '(taken)', json))
        .filter((i): i is StoredItem => i !== null),
      steps: this.parseSteps(trackerId, steps),
      remaining,
    };
  }

  private parseItem(trackerId: string, id: string, json: string): StoredItem | null {
    const at = { subject: 'issue' as const, trackerId, id, field: 'pending plan item' };
    return parseStoredJson(StoredItemSchema, json, at, this.onCorrupt);
  }

  private parseSteps(trackerId: string, json: string): PlanStep[] {
    const at = { subject: 'issue' as const, trackerId, id: '(plan)', field: 'pending plan steps' };
    return parseStoredJson(z.array(PlanStepSchema), json, at, this.onCorrupt) ?? [];
  }
}
