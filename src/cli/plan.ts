/**
 * `netvalue plan [--tracker ID] [--json]`: the pending plans of trackers in review mode, read from
 * Redis through the same functions as `GET /admin/plans` (README "Review before write").
 */
import type { Env } from '../config.js';
import { changeText } from '../pipeline/plan-words.js';
import { listPlans, PlanError, type PlanView } from '../pipeline/review-plans.js';
import { parseFlags, UsageError } from './args.js';
import { withContext } from './context.js';
import type { Io } from './output.js';

export async function runPlan(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, { tracker: { type: 'string' }, json: { type: 'boolean' } });
  return withContext(values.config, env, io, async (ctx) => {
    const plans = await listPlans(ctx, values.tracker).catch(flagError);
    if (values.json) io.out(JSON.stringify({ plans }, null, 2));
    else if (plans.length === 0)
      io.out(
        values.tracker === undefined
          ? 'No tracker is in review mode (writeMode: review): every write goes out at once.'
          : `Tracker '${values.tracker}' writes automatically (writeMode: auto): nothing waits for review.`,
      );
    else io.out(plans.map(planText).join('\n\n'));
    return 0;
  });
}

/** A PlanError as the CLI reports it: exit 2, naming the flag at fault. */
export function flagError(err: unknown): never {
  if (!(err instanceof PlanError)) throw err;
  const flag = err.code === 'not_in_plan' ? '--keys' : '--tracker';
  throw new UsageError(`${flag}: ${err.message}`);
}

/**
 * `acme-jira (jira): 2 pending, planned 2026-11-30T03:00:00.000Z`, then one line per change or
 * move: `APP-9  Net value  $2,000 → $3,000  (why)`.
 */
export function planText(plan: PlanView): string {
  const head = `${plan.trackerId} (${plan.kind}): ${plan.items.length} pending, planned ${plan.updatedAt}`;
  if (plan.items.length === 0) return `${head}\n  nothing to approve`;
  const width = Math.max(...plan.items.map((i) => i.key.length));
  const lines = plan.items.flatMap((item) => {
    const what = [
      ...item.changes.map((c) => changeText(c, '  ')),
      ...(item.move ? [item.move.text] : []),
    ];
    return what.map((w) => `  ${item.key.padEnd(width)}  ${w}  (${item.why})`);
  });
  return [head, ...lines].join('\n');
}
