import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bearerToken, tokenMatches } from '../../src/server/auth.js';
import { describeIssues, formatPath, validationError } from '../../src/server/validation.js';

describe('admin token', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
  ])('reads the token from %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('matches only the exact token, whatever its length', () => {
    expect(tokenMatches('s3cret-token', 's3cret-token')).toBe(true);
    expect(tokenMatches('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(tokenMatches('s3cret', 's3cret-token')).toBe(false);
    expect(tokenMatches('', 's3cret-token')).toBe(false);
  });
});

describe('validation errors', () => {
  const Body = z
    .object({
      horizonMonths: z.number().positive().optional(),
      thresholds: z.object({ high: z.number() }).strict().optional(),
      list: z.array(z.number()).optional(),
    })
    .strict();

  it('formats paths with dots and indexes', () => {
    expect(formatPath(['thresholds', 'high'])).toBe('thresholds.high');
    expect(formatPath(['list', 2])).toBe('list[2]');
    expect(formatPath([])).toBe('');
  });

  it('names each unknown key at its own path', () => {
    const result = Body.safeParse({ extra: 1, thresholds: { high: 1, low: 2 } });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toEqual([
      { path: 'thresholds.low', message: 'unknown key' },
      { path: 'extra', message: 'unknown key' },
    ]);
  });

  it('answers 400 with a stable code per request part and a message naming the field', () => {
    const result = Body.safeParse({ horizonMonths: 0 });
    const error = validationError('body', result.error!);
    expect(error).toMatchObject({ code: 'invalid_body', statusCode: 400 });
    expect(error.message).toBe('body.horizonMonths: Too small: expected number to be >0');
    expect(validationError('querystring', result.error!).code).toBe('invalid_query');
    expect(validationError('params', result.error!).code).toBe('invalid_params');
  });
});
