import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestId } from '../../src/server/build-server.js';
import { summarizeJobData } from '../../src/server/routes/admin-failed.js';

const request = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;

describe('request ids', () => {
  it("keeps the caller's x-request-id when it is short and plain", () => {
    expect(requestId(request({ 'x-request-id': 'trace-42.a:b_c' }))).toBe('trace-42.a:b_c');
  });

  it.each([
    ['a newline', 'abc\ninjected'],
    ['spaces', 'a b'],
    ['an empty value', ''],
    ['a long value', 'x'.repeat(129)],
  ])('makes a new one instead of a value with %s', (_name, value) => {
    const id = requestId(request({ 'x-request-id': value }));
    expect(id).not.toBe(value);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('makes a new one when there is none', () => {
    expect(requestId(request({}))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('failed job summaries', () => {
  it.each([
    [
      'a sync page',
      { trackerId: 't', runId: 'r', issues: [{}, {}, {}] },
      { trackerId: 't', issueCount: 3 },
    ],
    ['a write', { trackerId: 't', issueIds: ['1', '2'] }, { trackerId: 't', issueCount: 2 }],
    [
      'a rank job',
      {
        trackerId: 't',
        batches: [
          { ids: ['1', '2'], before: 'x' },
          { ids: ['3'], after: 'y' },
        ],
      },
      { trackerId: 't', issueCount: 3 },
    ],
    ['a score job', { trackerId: 't', issueId: '9' }, { trackerId: 't', issueCount: 1 }],
    ['a sync start', { trackerId: 't', full: true }, { trackerId: 't', issueCount: 0 }],
    ['garbage', 'not an object', { trackerId: null, issueCount: 0 }],
    ['nothing', null, { trackerId: null, issueCount: 0 }],
  ])('summarizes %s by tracker and issue count', (_name, data, summary) => {
    expect(summarizeJobData(data)).toEqual(summary);
  });
});
