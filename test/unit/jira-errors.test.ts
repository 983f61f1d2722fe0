import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_MS,
  headerValue,
  jiraMessages,
  offScreenFields,
  retryAfterMs,
  toTrackerError,
} from '../../connectors/jira/errors.js';
import { TrackerError } from '../../src/domain/index.js';

const ctx = { trackerId: 'acme-jira', email: 'bot@acme.test', action: 'edit APP-1' };

describe('jira error helpers', () => {
  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '7' })).toBe(7000);
    expect(
      retryAfterMs(
        { 'retry-after': 'Mon, 02 Mar 2026 10:00:30 GMT' },
        Date.parse('2026-03-02T10:00:00Z'),
      ),
    ).toBe(30_000);
    expect(retryAfterMs({})).toBeUndefined();
    expect(DEFAULT_RETRY_AFTER_MS).toBeGreaterThan(0);
  });

  it('reads headers case-insensitively from AxiosHeaders-like objects and records', () => {
    const axiosLike = {
      get: (name: string) =>
        name.toLowerCase() === 'ratelimit-reason' ? 'jira-burst-based' : undefined,
    };
    expect(headerValue(axiosLike, 'RateLimit-Reason')).toBe('jira-burst-based');
    expect(headerValue({ 'x-ratelimit-remaining': 5 }, 'X-RateLimit-Remaining')).toBe('5');
    expect(headerValue(null, 'x')).toBeUndefined();
  });

  it("quotes Jira's own words from an ErrorCollection", () => {
    expect(jiraMessages({ errorMessages: ['No project'], errors: { summary: 'required' } })).toBe(
      'No project; summary: required',
    );
    expect(jiraMessages('<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>');
    expect(jiraMessages(undefined)).toBe('');
  });

  it('finds the fields Jira refused because they are off the edit screen', () => {
    const body = {
      errorMessages: [],
      errors: {
        customfield_10050:
          "Field 'customfield_10050' cannot be set. It is not on the appropriate screen, or unknown.",
        summary: 'Summary is required',
      },
    };
    expect(offScreenFields(body)).toEqual(['customfield_10050']);
  });

  it('keeps a TrackerError as is and calls anything else transient with context', () => {
    const original = new TrackerError('not_found', 'gone', { trackerId: 'acme-jira' });
    expect(toTrackerError(original, ctx)).toBe(original);
    const wrapped = toTrackerError(new Error('socket hang up'), ctx);
    expect(wrapped).toMatchObject({
      kind: 'transient',
      message: 'Jira request to edit APP-1 failed: socket hang up',
    });
  });
});
