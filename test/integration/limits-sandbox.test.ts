/**
 * The sandboxes enforce budgets like the real services (../shared/ref/jira-cloud.md section 7,
 * ../shared/ref/linear.md section 6), scaled down in time, and answer in the documented shapes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraSandbox, type JiraSandbox } from '../../connectors/jira/sandbox/index.js';
import { startLinearSandbox, type LinearSandbox } from '../../connectors/linear/sandbox/index.js';

let jira: JiraSandbox | null = null;
let linear: LinearSandbox | null = null;
afterEach(async () => {
  await jira?.close();
  await linear?.close();
  jira = null;
  linear = null;
});

function jiraGet(sandbox: JiraSandbox, path: string, init: RequestInit = {}): Promise<Response> {
  const { email, apiToken } = sandbox.credentials;
  return fetch(`${sandbox.url}${path}`, {
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`,
      'content-type': 'application/json',
    },
  });
}

function linearPost(sandbox: LinearSandbox, query: string): Promise<Response> {
  return fetch(sandbox.url, {
    method: 'POST',
    headers: { authorization: sandbox.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
}

describe('Jira sandbox budgets', () => {
  it('answers 429 with Retry-After, RateLimit-Reason and X-RateLimit-* once the window is spent, then resets', async () => {
    jira = await startJiraSandbox({
      issues: 5,
      rateLimit: { limit: 5, enforce: true, timeScale: 3600 }, // a 1 s "hour"
    });
    const answers: Response[] = [];
    for (let i = 0; i < 6; i++) answers.push(await jiraGet(jira, '/rest/api/3/myself'));
    expect(answers.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]?.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(answers[4]?.headers.get('x-ratelimit-nearlimit')).toBe('true');
    const refused = answers[5] as Response;
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-quota-tenant-based');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('5');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Date.parse(refused.headers.get('x-ratelimit-reset') ?? '');
    expect(reset).toBeGreaterThan(Date.now() - 50);
    expect(reset).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await refused.json()).toMatchObject({ errorMessages: ['Rate limit exceeded.'] });
    await new Promise((r) => setTimeout(r, Math.max(0, reset - Date.now()) + 20));
    expect((await jiraGet(jira, '/rest/api/3/myself')).status).toBe(200);
    expect(jira.budget?.windows.reduce((n, w) => n + w.rejected, 0)).toBe(1);
  });

  it('limits writes per issue (jira-per-issue-on-write) without limiting other issues', async () => {
    jira = await startJiraSandbox({
      issues: 5,
      rateLimit: { limit: 1000, perIssueWrites: { limit: 2, windowMs: 2000 } },
    });
    const [a, b] = jira.issues();
    const edit = (key: string) =>
      jiraGet(jira as JiraSandbox, `/rest/api/3/issue/${key}`, {
        method: 'PUT',
        body: JSON.stringify({ fields: { summary: 'x' } }),
      });
    expect((await edit(a?.key as string)).status).toBe(204);
    expect((await edit(a?.key as string)).status).toBe(204);
    const third = await edit(a?.key as string);
    expect(third.status).toBe(429);
    expect(third.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await edit(b?.key as string)).status).toBe(204);
  });

  it('is off by default: no headers, no refusals', async () => {
    jira = await startJiraSandbox({ issues: 5 });
    for (let i = 0; i < 20; i++) {
      const answer = await jiraGet(jira, '/rest/api/3/myself');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

describe('Linear sandbox budgets', () => {
  const PAGE = '{ issues(first: 50) { nodes { id labels(first: 10) { nodes { id name } } } } }';

  it('answers RATELIMITED (HTTP 400) with X-RateLimit-* once the requests per window are spent', async () => {
    linear = await startLinearSandbox({ issues: 5, requestsPerHour: 3, timeScale: 3600 });
    const answers: Response[] = [];
    for (let i = 0; i < 4; i++) answers.push(await linearPost(linear, '{ viewer { id } }'));
    expect(answers.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers[2]?.headers.get('x-ratelimit-requests-remaining')).toBe('0');
    const refused = answers[3] as Response;
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as {
      errors: { extensions: Record<string, unknown> }[];
    };
    expect(body.errors[0]?.extensions).toMatchObject({
      type: 'ratelimited',
      code: 'RATELIMITED',
      statusCode: 429,
    });
    expect(refused.headers.get('x-ratelimit-requests-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-requests-remaining')).toBe('0');
    const reset = Number(refused.headers.get('x-ratelimit-requests-reset'));
    expect(reset).toBeGreaterThan(Date.now() - 50);
    expect(reset).toBeLessThanOrEqual(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, Math.max(0, reset - Date.now()) + 20));
    expect((await linearPost(linear, '{ viewer { id } }')).status).toBe(200);
  });

  it('refuses a query whose complexity exceeds the points left, and reports X-Complexity', async () => {
    linear = await startLinearSandbox({ issues: 60, complexityPerHour: 1000, timeScale: 3600 });
    const first = await linearPost(linear, PAGE);
    expect(first.status).toBe(200);
    const cost = Number(first.headers.get('x-complexity'));
    // 50 issues x (1 + 0.1 + 1 + 10 x 1.2) + 1, rounded up: Linear's published model.
    expect(cost).toBe(Math.ceil(1 + 50 * (1 + 0.1 + 1 + 10 * 1.2)));
    expect(Number(first.headers.get('x-ratelimit-complexity-remaining'))).toBe(
      Math.floor(1000 - (1 + 50 * (1 + 0.1 + 1 + 10 * 1.2))),
    );
    const second = await linearPost(linear, PAGE);
    expect(second.status).toBe(400);
    expect(JSON.stringify(await second.json())).toContain('RATELIMITED');
    expect(linear.rate.usage.get('anonymous')?.requests).toBe(1);
  });
});
