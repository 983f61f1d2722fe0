/**
 * `netvalue approve --tracker ID [--keys K1,K2] [--json]`: approves a review-mode tracker's
 * pending items (all, or these keys). They are queued as the write and rank jobs auto mode
 * uses; a running `netvalue serve` or `netvalue worker` sends them (README "Review before write").
 */
import { userInfo } from 'node:os';
import type { Env } from '../config.js';
import { approvePlan } from '../pipeline/plan-approval.js';
import { parseFlags, UsageError } from './args.js';
import { withContext } from './context.js';
import type { Io } from './output.js';
import { flagError } from './plan.js';

export async function runApprove(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    tracker: { type: 'string' },
    keys: { type: 'string' },
    json: { type: 'boolean' },
  });
  const trackerId = values.tracker;
  if (trackerId === undefined) throw new UsageError('--tracker is required');
  const keys = values.keys?.split(',').map((k) => k.trim());
  if (keys !== undefined && keys.some((k) => k === ''))
    throw new UsageError(`--keys must list issue keys separated by commas, got '${values.keys}'`);
  return withContext(values.config, env, io, async (ctx) => {
    const result = await approvePlan(ctx, trackerId, keys, approver()).catch(flagError);
    if (values.json) io.out(JSON.stringify(result));
    else
      io.out(
        `approved ${result.approved} pending item${result.approved === 1 ? '' : 's'} of ${trackerId} ` +
          `(${result.remaining} still pending); a running netvalue serve or worker writes them`,
      );
    return 0;
  });
}

/** Who approved, for the audit log: the command line has no admin token, so the OS user. */
function approver(): string {
  try {
    return `cli (${userInfo().username})`;
  } catch {
    return 'cli';
  }
}
