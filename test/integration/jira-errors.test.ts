import { afterEach, describe, expect, it } from 'vitest';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { jiraModule } from '../../connectors/jira/index.js';
import { startJiraSandbox, type JiraSandbox } from '../../connectors/jira/sandbox/index.js';
import type { Issue, TrackerError } from '../../src/domain/index.js';
import { DEPS, pullAll, startHarness, type Harness } from './jira-harness.js';
import { applyRank, writeOne } from './connector-targets.js';

async function failure(promise: Promise<unknown>): Promise<TrackerError> {
  return (await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  )) as TrackerError;
}

describe('jira error mapping (sandbox faults through jira.js)', () => {
  let h: Harness | undefined;
  let sandbox: JiraSandbox | undefined;
  afterEach(async () => {
    await h?.sandbox.close();
    await sandbox?.close();
    h = undefined;
    sandbox = undefined;
  });

  it('429 is rate_limited with Retry-After and RateLimit-Reason read', async () => {
    h = await startHarness({ issues: 5 });
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    h.sandbox.rateLimitReason = 'jira-per-issue-on-write';
    h.sandbox.faults.enqueue({ kind: 'rate_limit', retryAfterSec: 7 });
    const err = await failure(writeOne(h.connector, issue, { netValueUsd: 1 }));
    expect(err).toMatchObject({
      name: 'TrackerError',
      kind: 'rate_limited',
      details: { status: 429, retryAfterMs: 7000, reason: 'jira-per-issue-on-write' },
    });
    expect(h.sandbox.log.entries.at(-1)).toMatchObject({ operation: 'edit', status: 429 });
  });

  it('429 on a search is rate_limited too', async () => {
    h = await startHarness({ issues: 5 });
    h.sandbox.faults.enqueue({ kind: 'rate_limit', retryAfterSec: 2 });
    const err = await failure(h.connector.pullPage({ cursor: null, sinceIso: null }));
    expect(err).toMatchObject({
      kind: 'rate_limited',
      details: { retryAfterMs: 2000, reason: 'jira-burst-based' },
    });
  });

  it('5xx is transient', async () => {
    h = await startHarness({ issues: 5 });
    h.sandbox.faults.enqueue({ kind: 'server_error', status: 503 });
    const err = await failure(h.connector.pullPage({ cursor: null, sinceIso: null }));
    expect(err).toMatchObject({ kind: 'transient', details: { status: 503 } });
    // The next call goes through: nothing was left broken.
    expect(
      (await h.connector.pullPage({ cursor: null, sinceIso: null })).issues.length,
    ).toBeGreaterThan(0);
  });

  it('a request slower than timeoutMs is transient', async () => {
    h = await startHarness({ issues: 5 }, { timeoutMs: 100 });
    h.sandbox.faults.enqueue({ kind: 'latency', ms: 2_000 });
    const err = await failure(h.connector.pullPage({ cursor: null, sinceIso: null }));
    expect(err.kind).toBe('transient');
    expect(err.message).toContain('timed out');
  });

  it('an unreachable site is transient', async () => {
    h = await startHarness({ issues: 5 });
    await h.sandbox.close();
    const err = await failure(h.connector.pullPage({ cursor: null, sinceIso: null }));
    expect(err.kind).toBe('transient');
    h = undefined;
  });

  it('bad credentials are permanent and name the email and tracker, never the token', async () => {
    sandbox = await startJiraSandbox({ issues: 3 });
    const config = JiraTrackerConfig.parse(sandbox.trackerConfig({ apiToken: 'wrong-token-123' }));
    const err = await failure(jiraModule.create(config, DEPS));
    expect(err).toMatchObject({
      kind: 'permanent',
      details: { status: 401, trackerId: 'jira-sandbox' },
    });
    expect(err.message).toContain(sandbox.credentials.email);
    expect(err.message).toContain('"jira-sandbox"');
    expect(err.message).not.toContain('wrong-token-123');
  });

  it('403 is permanent and names the account whose permissions are missing', async () => {
    h = await startHarness({ issues: 5 }, { rank: true });
    const [a, b] = (await pullAll(h.connector)).issues;
    h.sandbox.setForbidden('rank', true);
    const err = await failure(
      applyRank(h.connector, { ids: [a?.id as string], after: b?.id as string }),
    );
    expect(err).toMatchObject({ kind: 'permanent', details: { status: 403 } });
    expect(err.message).toContain(h.sandbox.credentials.email);
    expect(err.message).toContain('Schedule issues');
  });

  it('budget() reads X-RateLimit headers when Jira sends them, and is null otherwise', async () => {
    h = await startHarness({ issues: 5, rateLimit: { limit: 100 } });
    await pullAll(h.connector);
    const budget = h.connector.budget();
    expect(budget).toMatchObject({ requestsLimit: 100, requestsRemaining: 96 });
    expect(budget?.resetAtMs).toBeGreaterThan(Date.now() - 3_600_000);
    await h.sandbox.close();
    h = await startHarness({ issues: 5 });
    await pullAll(h.connector);
    expect(h.connector.budget()).toBeNull();
  });

  it("budget() learns nothing from a refusal's X-RateLimit-* headers (its Retry-After pauses)", async () => {
    h = await startHarness({ issues: 5 });
    const issue = (await pullAll(h.connector)).issues[0] as Issue;
    h.sandbox.faults.enqueue({ kind: 'rate_limit', retryAfterSec: 1 });
    const err = await failure(writeOne(h.connector, issue, { netValueUsd: 1 }));
    expect(err.kind).toBe('rate_limited');
    // The sandbox's 429 said "0 of 100 left until the next minute"; the answers it serves say nothing.
    expect(h.sandbox.log.entries.at(-1)?.status).toBe(429);
    expect(h.connector.budget()).toBeNull();
  });

  it('requestCounts() counts reads (field, myself, mypermissions, search) and writes (edit, rank)', async () => {
    h = await startHarness({ issues: 5 }, { rank: true });
    const { issues, pages } = await pullAll(h.connector);
    await writeOne(h.connector, issues[0] as Issue, { netValueUsd: 1 });
    await applyRank(h.connector, {
      ids: [issues[0]?.id as string],
      after: issues[1]?.id as string,
    });
    expect(h.connector.requestCounts()).toEqual({ reads: 3 + pages, writes: 2 });
  });
});
