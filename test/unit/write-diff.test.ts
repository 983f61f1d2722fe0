import { describe, expect, it } from 'vitest';
import { changedValues } from '../../src/scoring/write-diff.js';

describe('changedValues: what differs from what the tracker holds', () => {
  it('takes a sort key one float step away as the same position (the soak wrote it)', () => {
    const held = 418534.95440729486;
    const planned = 418534.9544072948;
    expect(held).not.toBe(planned);
    expect(changedValues({ sortKey: held }, { sortKey: planned })).toBeNull();
    expect(changedValues({ sortKey: 0 }, { sortKey: 1e-12 })).toBeNull();
  });

  it('still writes a sort key that moves the issue, however close its neighbours', () => {
    expect(changedValues({ sortKey: 418534.95 }, { sortKey: 418534.96 })).toEqual({
      sortKey: 418534.96,
    });
    expect(changedValues({ sortKey: 1 }, { sortKey: 1.000001 })).toEqual({ sortKey: 1.000001 });
    expect(changedValues({}, { sortKey: 5 })).toEqual({ sortKey: 5 });
  });

  it('keeps money within half a cent and every other number exact', () => {
    expect(changedValues({ netValueUsd: 10.001 }, { netValueUsd: 10.004 })).toBeNull();
    expect(changedValues({ netValueUsd: 10 }, { netValueUsd: 10.01 })).toEqual({
      netValueUsd: 10.01,
    });
    expect(changedValues({ rankPosition: 3 }, { rankPosition: 4 })).toEqual({ rankPosition: 4 });
  });
});
