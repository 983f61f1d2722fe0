/**
 * The heap policy's setting: NETVALUE_HEAP_GROWTH, or 20 % past live data; a value that is not a
 * whole percent stops the command with a message naming the variable and the value.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, heapGrowthPercent } from '../../src/cli/heap-policy.js';

describe('heapGrowthPercent', () => {
  it('defaults to 20 % when unset or blank', () => {
    expect(DEFAULT_HEAP_GROWTH_PERCENT).toBe(20);
    expect(heapGrowthPercent({})).toBe(20);
    expect(heapGrowthPercent({ NETVALUE_HEAP_GROWTH: ' ' })).toBe(20);
  });

  it('takes a whole percent, 0 leaving V8 its own choice', () => {
    expect(heapGrowthPercent({ NETVALUE_HEAP_GROWTH: '0' })).toBe(0);
    expect(heapGrowthPercent({ NETVALUE_HEAP_GROWTH: '35' })).toBe(35);
    expect(heapGrowthPercent({ NETVALUE_HEAP_GROWTH: '400' })).toBe(400);
  });

  it.each(['-1', '1.5', '401', 'lots', '20%'])(
    'refuses %j, naming the variable and value',
    (raw) => {
      const attempt = () => heapGrowthPercent({ NETVALUE_HEAP_GROWTH: raw });
      expect(attempt).toThrow(UsageError);
      expect(attempt).toThrow(`NETVALUE_HEAP_GROWTH must be a whole percent`);
      expect(attempt).toThrow(`got '${raw}'`);
    },
  );
});
