/**
 * Outbound hardening (issue 15, section 4 findings 6 and 8), with the real clients (jira.js,
 * @linear/sdk) against the sandboxes or a hostile local server:
 * - a non-finite value never leaves netvalue: the write is a permanent error naming the field and
 *   the tracker receives nothing;
 * - tracker URLs must be https unless `allowInsecureHttp: true`;
 * - a response larger than `maxResponseBytes` is refused, and `timeoutMs` is a total deadline (a
 *   server that trickles its answer a byte at a time cannot keep a call open).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { writeError } from '../../connectors/connector.js';
import { createJiraClients, send as sendJira } from '../../connectors/jira/client.js';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { startJiraSandbox } from '../../connectors/jira/sandbox/index.js';
import { createLinearApi, send as sendLinear } from '../../connectors/linear/client.js';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { startLinearSandbox } from '../../connectors/linear/sandbox/index.js';
import { isTrackerError, type Issue, type TrackerError } from '../../src/domain/index.js';
import { pullAll, startHarness as startJira, type Harness as JiraHarness } from './jira-harness.js';
import { startHarness as startLinear, type Harness as LinearHarness } from './linear-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close();
});

async function failure(promise: Promise<unknown>): Promise<TrackerError> {
  try {
    await promise;
  } catch (err) {
    if (isTrackerError(err)) return err;
    throw err;
  }
  throw new Error('expected a TrackerError');
}

/** A local http server with a hostile answer; closed after the test. */
async function hostileServer(
  answer: (res: ServerResponse) => void,
): Promise<{ url: string; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => answer(res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await once(server, 'close');
  });
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Headers at once, then one byte of a JSON body every 50 ms, never finishing. */
function trickle(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"issues": [');
  const timer = setInterval(() => res.write(' '), 50);
  res.on('close', () => clearInterval(timer));
}

/** A 2 MB JSON answer. */
function huge(res: ServerResponse): void {
  const body = JSON.stringify({ data: { padding: 'x'.repeat(2_000_000) }, issues: [] });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}

const jiraConfig = (baseUrl: string, extra: Record<string, unknown> = {}) =>
  JiraTrackerConfig.parse({
    id: 'hostile-jira',
    kind: 'jira',
    baseUrl,
    allowInsecureHttp: true,
    email: 'bot@example.com',
    apiToken: 'token',
    jql: 'project = APP',
    fields: { value: 'V', cost: 'C', netValue: 'N' },
    ...extra,
  });

const linearConfig = (apiUrl: string, extra: Record<string, unknown> = {}) =>
  LinearTrackerConfig.parse({
    id: 'hostile-linear',
    kind: 'linear',
    apiUrl,
    allowInsecureHttp: true,
    apiKey: 'lin_api_key',
    teams: ['ENG'],
    ...extra,
  });

const jiraCall = (baseUrl: string, extra: Record<string, unknown> = {}) => {
  const clients = createJiraClients(jiraConfig(baseUrl, extra));
  return sendJira(
    clients,
    'read',
    { trackerId: 'hostile-jira', email: 'bot@example.com', action: 'read the account' },
    () => clients.v3.myself.getCurrentUser(),
  );
};

const linearCall = (apiUrl: string, extra: Record<string, unknown> = {}) =>
  sendLinear(
    createLinearApi(linearConfig(apiUrl, extra)),
    'read',
    { action: 'read the viewer' },
    'query Viewer { viewer { id } }',
    {},
  );

describe('non-finite values are never written (finding 6)', () => {
  let jira: JiraHarness | undefined;
  let linear: LinearHarness | undefined;
  afterEach(async () => {
    await jira?.sandbox.close();
    await linear?.sandbox.close();
    jira = linear = undefined;
  });

  it.each([NaN, Infinity, -Infinity])(
    'Jira: netValueUsd=%s is a permanent error naming the field; no edit is sent',
    async (bad) => {
      jira = await startJira({ issues: 3 });
      const issue = (await pullAll(jira.connector)).issues[0] as Issue;
      jira.sandbox.log.clear();
      const [result] = await jira.connector.write([
        { ref: issue, changes: { netValueUsd: bad, rankPosition: 1 } },
      ]);
      const error = writeError(result);
      expect(error?.kind).toBe('permanent');
      expect(error?.message).toContain(`netValueUsd=${String(bad)}`);
      expect(error?.message).toMatch(/to field customfield_\d+: not a finite number/);
      expect(jira.sandbox.log.entries.filter((e) => e.operation === 'edit')).toHaveLength(0);
    },
  );

  it('Linear: a non-finite priority or sort key is a permanent error naming it; nothing is sent', async () => {
    linear = await startLinear(
      { issues: 3 },
      { writeBack: { prioritySortOrder: true, priority: true, attachment: false } },
    );
    const issue = (await pullAll(linear.connector)).issues[0] as Issue;
    linear.sandbox.log.clear();
    const results = (
      await linear.connector.write([
        { ref: issue, changes: { priority: NaN } },
        { ref: issue, changes: { sortKey: Infinity } },
        { ref: issue, changes: { sortKey: -Infinity, priority: 3 } },
      ])
    ).map(writeError);
    expect(results.map((e) => e?.kind)).toEqual(['permanent', 'permanent', 'permanent']);
    expect(results[0]?.message).toContain('priority');
    expect(results[1]?.message).toContain('sortKey');
    expect(results[2]?.message).toContain('sortKey');
    const mutations = linear.sandbox.log.entries.filter((e) =>
      /Update|Attachment/.test(e.operation),
    );
    expect(mutations).toHaveLength(0);
  });
});

describe('https only unless allowInsecureHttp (finding 8)', () => {
  it.each([
    ['jira', 'baseUrl', 'http://acme.atlassian.net'],
    ['linear', 'apiUrl', 'http://api.linear.app/graphql'],
  ] as const)('%s: an http:// %s is refused, naming the key', (kind, key, url) => {
    const schema = kind === 'jira' ? JiraTrackerConfig : LinearTrackerConfig;
    const base =
      kind === 'jira' ? jiraConfig('https://x.example') : linearConfig('https://x.example');
    const { allowInsecureHttp: _, ...rest } = base;
    const parsed = schema.safeParse({ ...rest, [key]: url });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues.find((i) => i.path.join('.') === key);
    expect(issue?.message).toMatch(/must be https.*allowInsecureHttp: true/);
    // The same URL with the flag is accepted (a local test server).
    expect(schema.safeParse({ ...rest, [key]: url, allowInsecureHttp: true }).success).toBe(true);
    // https needs no flag.
    expect(schema.safeParse({ ...rest, [key]: url.replace('http:', 'https:') }).success).toBe(true);
  });
});

describe('response size limit and total deadline per call (finding 8)', () => {
  it('Jira: a server trickling its answer is cut at timeoutMs (transient, names the deadline)', async () => {
    const { url } = await hostileServer(trickle);
    const started = performance.now();
    const error = await failure(jiraCall(url, { timeoutMs: 400 }));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('timed out: no complete answer within 400 ms (timeoutMs)');
  });

  it('Linear: a server trickling its answer is cut at timeoutMs (transient)', async () => {
    const { url } = await hostileServer(trickle);
    const started = performance.now();
    const error = await failure(linearCall(`${url}/graphql`, { timeoutMs: 400 }));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('timed out after 400 ms');
  });

  it('Jira: an answer over maxResponseBytes is refused (permanent, names the limit)', async () => {
    const { url } = await hostileServer(huge);
    const error = await failure(jiraCall(url, { maxResponseBytes: 100_000 }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain(
      'more than 100000 bytes, the limit per response (maxResponseBytes)',
    );
  });

  it('Linear: an answer over maxResponseBytes is refused (permanent, names the limit)', async () => {
    const { url } = await hostileServer(huge);
    const error = await failure(linearCall(`${url}/graphql`, { maxResponseBytes: 100_000 }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain(
      'more than 100000 bytes, the limit per response (maxResponseBytes)',
    );
  });

  it('the sandboxes answer within the default limits, and a tiny limit stops a real page', async () => {
    const jiraSb = await startJiraSandbox({ issues: 30 });
    const linearSb = await startLinearSandbox({ issues: 30 });
    cleanups.push(
      () => jiraSb.close(),
      () => linearSb.close(),
    );
    const jiraOk = await startJiraConnector(jiraSb.trackerConfig());
    expect((await jiraOk.pullPage({ cursor: null, sinceIso: null })).issues.length).toBeGreaterThan(
      0,
    );
    const tiny = createJiraClients(
      JiraTrackerConfig.parse(jiraSb.trackerConfig({ maxResponseBytes: 200 })),
    );
    const error = await failure(
      sendJira(tiny, 'read', { trackerId: 'jira-sandbox', email: 'x', action: 'read fields' }, () =>
        tiny.v3.issueFields.getFields(),
      ),
    );
    expect(error.kind).toBe('permanent');
    const linearError = await failure(
      sendLinear(
        createLinearApi(
          LinearTrackerConfig.parse(linearSb.trackerConfig({ maxResponseBytes: 50 })),
        ),
        'read',
        { action: 'read the viewer' },
        'query Viewer { viewer { id name email } }',
        {},
      ),
    );
    expect(linearError.kind).toBe('permanent');
    expect(linearError.message).toContain('maxResponseBytes');
  });
});

async function startJiraConnector(input: unknown) {
  const { jiraModule } = await import('../../connectors/jira/index.js');
  return jiraModule.create(JiraTrackerConfig.parse(input), { publicUrl: 'http://127.0.0.1:3000' });
}
