/**
 * Each failure Linear produces, from the matching sandbox fault, through the real SDK: the SDK's
 * error class must be the one Linear's answer yields, and the connector's TrackerError the kind
 * the workers act on.
 */
import {
  AuthenticationLinearError,
  GraphqlLinearError,
  InternalLinearError,
  InvalidInputLinearError,
  NetworkLinearError,
  RatelimitedLinearError,
} from '@linear/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinearApi, send } from '../../connectors/linear/client.js';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { linearModule } from '../../connectors/linear/index.js';
import { ISSUE_UPDATE } from '../../connectors/linear/queries.js';
import { startLinearSandbox, type LinearSandbox } from '../../connectors/linear/sandbox/index.js';
import { listenLoopback } from '../../connectors/sandbox-kit/index.js';
import { TrackerError } from '../../src/domain/index.js';
import { DEPS, isOperation, startHarness, type Harness } from './linear-harness.js';
import { writeOne } from './connector-targets.js';

let h: Harness | null = null;
let sb: LinearSandbox | null = null;
afterEach(async () => {
  await h?.sandbox.close();
  await sb?.close();
  h = null;
  sb = null;
});

async function failure(promise: Promise<unknown>): Promise<TrackerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TrackerError);
  return error as TrackerError;
}

const firstPage = (harness: Harness): Promise<unknown> =>
  harness.connector.pullPage({ cursor: null, sinceIso: null });

describe('Linear errors', () => {
  it('RATELIMITED (HTTP 400) -> rate_limited, waiting until the reset Linear announces', async () => {
    h = await startHarness({ issues: 10 });
    h.sandbox.faults.enqueue({ kind: 'rate_limit', retryAfterSec: 30 });
    const error = await failure(firstPage(h));
    expect(error.kind).toBe('rate_limited');
    expect(error.cause).toBeInstanceOf(RatelimitedLinearError);
    expect((error.cause as RatelimitedLinearError).status).toBe(400);
    expect(error.details.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(error.details.reason).toBe('requests');
    expect(h.connector.budget()?.requestsRemaining).toBe(0);
    // The next call goes through.
    await expect(firstPage(h)).resolves.toBeDefined();
  });

  it('a wrong API key -> permanent, naming the credential but never showing it', async () => {
    sb = await startLinearSandbox({ issues: 5 });
    const config = LinearTrackerConfig.parse(
      sb.trackerConfig({ apiKey: 'lin_api_wrong_secret_value' }),
    );
    const error = await failure(linearModule.create(config, DEPS));
    expect(error.kind).toBe('permanent');
    expect(error.cause).toBeInstanceOf(AuthenticationLinearError);
    expect(error.message).toContain('apiKey of tracker sandbox-linear');
    expect(error.message).not.toContain('lin_api_wrong_secret_value');
    const report = await linearModule.check(config, DEPS);
    expect(report.ok).toBe(false);
    expect(report.lines[0]?.text).toContain('apiKey of tracker sandbox-linear');
  });

  it("invalid input -> permanent with Linear's message", async () => {
    sb = await startLinearSandbox({ issues: 5 });
    const api = createLinearApi(LinearTrackerConfig.parse(sb.trackerConfig()));
    const issue = sb.issues()[0]!;
    const error = await failure(
      send(api, 'write', { action: 'update' }, ISSUE_UPDATE, {
        id: issue.id,
        input: { priority: 7 },
      }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.cause).toBeInstanceOf(InvalidInputLinearError);
    expect(error.message).toContain('priority must be between 0 and 4');
  });

  it('an unknown issue -> not_found on write, null on fetch', async () => {
    h = await startHarness({ issues: 5 });
    const ref = {
      trackerId: 'sandbox-linear',
      id: '5f0c8a1e-0000-4000-8000-000000000000',
      key: 'ENG-999',
    };
    const error = await failure(writeOne(h.connector, ref, { sortKey: 10 }));
    expect(error.kind).toBe('not_found');
    expect(error.cause).toBeInstanceOf(InvalidInputLinearError);
    expect(await h.connector.fetchIssue(ref.id)).toBeNull();
  });

  it.each([
    [500, InternalLinearError],
    [503, NetworkLinearError],
  ])('HTTP %i -> transient', async (status, errorClass) => {
    h = await startHarness({ issues: 5 });
    h.sandbox.faults.enqueue({ kind: 'server_error', status });
    const error = await failure(firstPage(h));
    expect(error.kind).toBe('transient');
    expect(error.cause).toBeInstanceOf(errorClass);
  });

  it('a slow answer -> transient after timeoutMs', async () => {
    h = await startHarness({ issues: 5 }, { timeoutMs: 150 });
    h.sandbox.log.clear();
    h.sandbox.faults.enqueue({ kind: 'latency', ms: 600 });
    const error = await failure(firstPage(h));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('timed out after 150 ms');
    expect(h.sandbox.log.entries).toHaveLength(0); // gave up before Linear answered
    await h.sandbox.log.waitFor(isOperation('NetvalueIssues')); // the sandbox finishes the slow one
    // Each request gets its own timeout: the next one is not aborted by the first one's signal.
    await expect(firstPage(h)).resolves.toBeDefined();
  });

  it('nothing listening -> transient network error', async () => {
    const closed = await listenLoopback((_req, res) => res.end());
    await closed.close();
    const config = LinearTrackerConfig.parse({
      id: 'gone',
      kind: 'linear',
      apiUrl: `${closed.url}/graphql`,
      allowInsecureHttp: true,
      apiKey: 'k',
      teams: ['ENG'],
    });
    const error = await failure(linearModule.create(config, DEPS));
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/network error \(ECONNREFUSED/);
  });

  it('queries Linear would refuse (first > 250, too complex, unknown field) -> permanent', async () => {
    sb = await startLinearSandbox({ issues: 5 });
    const api = createLinearApi(LinearTrackerConfig.parse(sb.trackerConfig()));
    const big = await failure(
      send(
        api,
        'read',
        { action: 'read' },
        'query Big { issues(first: 300) { nodes { id } } }',
        {},
      ),
    );
    expect(big.kind).toBe('permanent');
    expect(big.cause).toBeInstanceOf(InvalidInputLinearError);
    const complex = await failure(
      send(
        api,
        'read',
        { action: 'read' },
        'query Complex { issues(first: 250) { nodes { id labels(first: 250) { nodes { id name } } } } }',
        {},
      ),
    );
    expect(complex.message).toContain('too complex');
    const unknown = await failure(
      send(api, 'read', { action: 'read' }, 'query Bad { issues { nodes { customField } } }', {}),
    );
    expect(unknown.kind).toBe('permanent');
    expect(unknown.cause).toBeInstanceOf(GraphqlLinearError);
  });

  it('create() names the missing team and label group, and what exists', async () => {
    sb = await startLinearSandbox({ issues: 5 });
    const config = LinearTrackerConfig.parse(
      sb.trackerConfig({ teams: ['ENG', 'NOPE'], valueLabelGroup: 'Worth' }),
    );
    const error = await failure(linearModule.create(config, DEPS));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('team NOPE not found');
    expect(error.message).toContain('teams that exist: DES, ENG, OPS');
    expect(error.message).toContain("label group 'Worth' not found");
    expect(error.message).toContain('label groups that exist: Cost, Value');
    const report = await linearModule.check(config, DEPS);
    expect(report.ok).toBe(false);
    expect(report.lines.filter((l) => !l.ok).map((l) => l.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('team NOPE not found'),
        expect.stringContaining("label group 'Worth' not found"),
      ]),
    );
  });
});
