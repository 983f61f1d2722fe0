/**
 * A 429 that does not say how long to wait (a gateway's or proxy's bare 429): the pause doubles
 * from 1 s while they come in a row, up to the tracker's cap, and starts again from 1 s after any
 * other answer (connectors/unsaid-backoff.ts). A fixed pause at the cap for each one kept the
 * soak's Jira paused most of the time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_AFTER_MS as JIRA_CAP } from '../../connectors/jira/errors.js';
import { DEFAULT_RETRY_AFTER_MS as LINEAR_CAP } from '../../connectors/linear/errors.js';
import type { Connector } from '../../connectors/connector.js';
import type { FaultInjector } from '../../connectors/sandbox-kit/index.js';
import type { TrackerError } from '../../src/domain/index.js';
import * as jira from './jira-harness.js';
import * as linear from './linear-harness.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** retryAfterMs of each bare 429 in a row, then of one after a good answer. */
async function pauses(connector: Connector, faults: FaultInjector, inRow: number) {
  const ask = () => connector.pullPage({ cursor: null, sinceIso: null });
  const waitOf = async (): Promise<number> => {
    faults.enqueue({ kind: 'bare_status', status: 429 });
    const err = (await ask().then(
      () => {
        throw new Error('expected a 429');
      },
      (e: unknown) => e,
    )) as TrackerError;
    expect(err.kind).toBe('rate_limited');
    return err.details.retryAfterMs ?? -1;
  };
  const row: number[] = [];
  for (let i = 0; i < inRow; i++) row.push(await waitOf());
  await ask(); // a good answer
  return { row, after: await waitOf() };
}

describe('a 429 without Retry-After', () => {
  it('pauses Jira 1 s, 2 s, 4 s, 8 s, then its cap; 1 s again after a good answer', async () => {
    const h = await jira.startHarness({ issues: 5 });
    closers.push(() => h.sandbox.close());
    const { row, after } = await pauses(h.connector, h.sandbox.faults, 6);
    expect(row).toEqual([1000, 2000, 4000, 8000, JIRA_CAP, JIRA_CAP]);
    expect(after).toBe(1000);
  });

  it('pauses Linear the same way, up to its own cap', async () => {
    const h = await linear.startHarness({ issues: 5 });
    closers.push(() => h.sandbox.close());
    const { row, after } = await pauses(h.connector, h.sandbox.faults, 8);
    expect(row).toEqual([1000, 2000, 4000, 8000, 16000, 32000, LINEAR_CAP, LINEAR_CAP]);
    expect(after).toBe(1000);
  });
});
