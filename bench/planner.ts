/** Planner: time to plan a full re-rank of 10,000 and 100,000 issues (random target order). */
import { planMoves } from '../src/scoring/plan-moves.js';
import { toRankBatches } from '../connectors/jira/rank.js';
import { assignSortKeys } from '../connectors/linear/sort-keys.js';
import { seededRandom } from '../connectors/sandbox-kit/backlog.js';
import { median, round, timeMs } from './stats.js';

function shuffled(ids: string[], seed: number): string[] {
  const random = seededRandom(seed);
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

/** Median ms to plan moves, Jira batches and Linear sort keys for n issues, over `runs` runs. */
export async function benchPlanner(n: number, runs = 5): Promise<number> {
  const current = Array.from({ length: n }, (_, i) => `ISSUE-${i}`);
  const keys = new Map(current.map((id, i) => [id, (i + 1) * 1000]));
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const target = shuffled(current, run + 1);
    times.push(
      await timeMs(() => {
        const plan = planMoves(current, target, new Set());
        toRankBatches(plan, 50);
        assignSortKeys(plan, keys);
      }),
    );
  }
  return round(median(times));
}
