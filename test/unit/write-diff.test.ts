import { describe, expect, it } from 'vitest';
import { changedValues } from '../../src/scoring/write-diff.js';

describe('changedValues: what differs from what the tracker holds', () => {
  it('writes a sort key however close to the one held: crowded neighbours differ by a hair', () => {
    // Treating keys within 1e-9 (relative) as equal left issues tied with the neighbour they were
    // placed before, and every plan moved them again (the soak: Linear never converged).
    expect(changedValues({ sortKey: 343000 }, { sortKey: 342999.99998611584 })).toEqual({
      sortKey: 342999.99998611584,
    });
    expect(changedValues({ sortKey: 5 }, { sortKey: 5 })).toBeNull();
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
