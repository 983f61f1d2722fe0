import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan, longestIncreasing, planMoves } from '../../src/scoring/plan-moves.js';
import { assignRankStrings, between, toRankBatches } from '../../connectors/jira/rank.js';
import { assignSortKeys } from '../../connectors/linear/sort-keys.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `I-${i}`);

/** Length of an LIS by brute-force-free O(n^2) DP, independent of the planner's algorithm. */
function lisLength(seq: number[]): number {
  const best = seq.map(() => 1);
  for (let i = 0; i < seq.length; i++)
    for (let j = 0; j < i; j++)
      if ((seq[j] as number) < (seq[i] as number))
        best[i] = Math.max(best[i] as number, (best[j] as number) + 1);
  return Math.max(0, ...best);
}

const permutation = (maxLength: number) =>
  fc
    .integer({ min: 1, max: maxLength })
    .chain((n) =>
      fc
        .shuffledSubarray(ids(n), { minLength: n, maxLength: n })
        .map((target) => ({ current: ids(n), target })),
    );

describe('planMoves', () => {
  it('makes N - LIS moves and applying the plan yields the target (1,000 permutations up to 500)', () => {
    fc.assert(
      fc.property(permutation(500), ({ current, target }) => {
        const plan = planMoves(current, target);
        const positions = target.map((id) => current.indexOf(id));
        expect(plan.moves.length).toBe(current.length - lisLength(positions));
        expect(applyPlan(current, plan)).toEqual(target);
      }),
      { numRuns: 1000 },
    );
  });

  it('makes zero moves when already in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), (n) => {
        expect(planMoves(ids(n), ids(n)).moves).toEqual([]);
      }),
    );
  });

  it('makes one move when one issue changes place', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 500 })
          .chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(n - 1))),
        ([n, from, to]) => {
          const current = ids(n);
          const target = [...current];
          const [moved] = target.splice(from, 1);
          target.splice(to, 0, moved as string);
          const plan = planMoves(current, target);
          expect(plan.moves.length).toBe(from === to ? 0 : 1);
          expect(applyPlan(current, plan)).toEqual(target);
        },
      ),
    );
  });

  it('never moves pinned issues and orders the others around them', () => {
    fc.assert(
      fc.property(
        permutation(300).chain((p) =>
          fc.tuple(
            fc.constant(p),
            fc.subarray(p.current, { maxLength: Math.min(20, p.current.length) }),
          ),
        ),
        ([{ current, target }, pinnedList]) => {
          const pinned = new Set(pinnedList);
          const plan = planMoves(current, target, pinned);
          const moved = new Set(plan.moves.map((m) => m.id));
          for (const id of pinned) expect(moved.has(id)).toBe(false);
          const result = applyPlan(current, plan);
          // Pinned issues keep their exact slot; the rest follow the target's relative order.
          for (const id of pinned) expect(result.indexOf(id)).toBe(current.indexOf(id));
          expect(result.filter((id) => !pinned.has(id))).toEqual(
            target.filter((id) => !pinned.has(id)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds a longest increasing subsequence', () => {
    expect(longestIncreasing([3, 1, 2, 5, 4]).length).toBe(3);
    expect(longestIncreasing([])).toEqual([]);
  });
});

describe('toRankBatches', () => {
  it('places every moved issue in calls of at most 50 that rebuild the target', () => {
    fc.assert(
      fc.property(permutation(400), fc.integer({ min: 1, max: 50 }), ({ current, target }, max) => {
        const plan = planMoves(current, target);
        const batches = toRankBatches(plan, max);
        expect(batches.every((b) => b.ids.length <= max && b.ids.length > 0)).toBe(true);
        expect(batches.flatMap((b) => b.ids).sort()).toEqual(plan.moves.map((m) => m.id).sort());
        const order = [...current];
        for (const batch of batches) {
          for (const id of batch.ids) order.splice(order.indexOf(id), 1);
          const anchor = order.indexOf((batch.before ?? batch.after) as string);
          order.splice(batch.before !== undefined ? anchor : anchor + 1, 0, ...batch.ids);
        }
        expect(order).toEqual(target);
      }),
      { numRuns: 300 },
    );
  });
});

describe('assignSortKeys', () => {
  const keysFor = (order: string[]) => new Map(order.map((id, i) => [id, (i + 1) * 1000]));

  it('gives moved issues keys that sort into the target order', () => {
    fc.assert(
      fc.property(permutation(300), ({ current, target }) => {
        const plan = planMoves(current, target);
        const keys = keysFor(current);
        const assigned = assignSortKeys(plan, keys);
        for (const [id, key] of assigned) keys.set(id, key);
        const sorted = [...current].sort(
          (a, b) => (keys.get(a) as number) - (keys.get(b) as number),
        );
        expect(sorted).toEqual(target);
        expect(assigned.size).toBe(plan.moves.length);
      }),
      { numRuns: 300 },
    );
  });

  it('rebalances every key when a gap runs out', () => {
    const current = ['a', 'b', 'c'];
    const plan = planMoves(current, ['a', 'c', 'b']);
    const assigned = assignSortKeys(
      plan,
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 1 + 1e-9],
      ]),
    );
    expect([...assigned.entries()]).toEqual([
      ['a', 1000],
      ['c', 2000],
      ['b', 3000],
    ]);
  });
});

describe('between / assignRankStrings', () => {
  // Every printable character, ' ' (the zero digit) included; no string ends in it (Jira's end in
  // ':' or a letter or digit, and `between` makes none that does).
  const rankString = fc
    .string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 8,
    })
    .filter((s) => !s.endsWith(' '));

  it('finds a string strictly between any two ordered strings', () => {
    fc.assert(
      fc.property(rankString, rankString, (x, y) => {
        fc.pre(x !== y);
        expect(between(x < y ? x : y, x < y ? y : x).endsWith(' ')).toBe(false);
        const [lo, hi] = x < y ? [x, y] : [y, x];
        const mid = between(lo, hi);
        expect(lo < mid && mid < hi).toBe(true);
        expect(between(null, lo) < lo).toBe(true);
        expect(between(hi, null) > hi).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('predicts the order a batch-ranked tracker ends up in', () => {
    fc.assert(
      fc.property(permutation(200), ({ current, target }) => {
        const ranks = new Map(
          current.map((id, i) => [id, `0|i${String(i * 7).padStart(5, '0')}:`]),
        );
        const plan = planMoves(current, target);
        for (const [id, rank] of assignRankStrings(plan, ranks)) ranks.set(id, rank);
        const sorted = [...current].sort((a, b) =>
          (ranks.get(a) as string) < (ranks.get(b) as string) ? -1 : 1,
        );
        expect(sorted).toEqual(target);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the strings of a long run of moved issues short', () => {
    // One issue moves from the bottom to the top of 20,001: the 20,000 between make one run.
    // Each string between the one before and the run's end grew a character every few issues
    // (up to some 3,000 characters here); halving the run keeps them within a few.
    const current = Array.from({ length: 20_001 }, (_, i) => `I${i}`);
    const target = [...current.slice(1), current[0] as string].reverse();
    const ranks = new Map(current.map((id, i) => [id, `0|i${String(i).padStart(6, '0')}:`]));
    const plan = planMoves(current, target);
    const assigned = assignRankStrings(plan, ranks);
    expect(assigned.size).toBeGreaterThan(10_000);
    const longest = Math.max(...[...assigned.values()].map((r) => r.length));
    expect(longest).toBeLessThanOrEqual('0|i000000:'.length + 4);
    for (const [id, rank] of assigned) ranks.set(id, rank);
    const sorted = [...current].sort((a, b) =>
      (ranks.get(a) as string) < (ranks.get(b) as string) ? -1 : 1,
    );
    expect(sorted).toEqual(target);
  });
});
