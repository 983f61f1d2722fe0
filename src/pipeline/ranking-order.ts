/**
 * Rows in ranking order from a ranking set walked in order, instead of from a ranking member per
 * row held in memory: Redis keeps the members sorted, and a member is some hundred bytes, the
 * largest column of a plan or a preview (README "Performance"). Each row keeps `memberHash` of the
 * member it was read with, which tells it from a member left behind for the same issue.
 */

/** A 32-bit hash of a ranking member (FNV-1a). */
export function memberHash(member: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < member.length; k++) hash = Math.imul(hash ^ member.charCodeAt(k), 0x01000193);
  return hash | 0;
}

/**
 * The rows (0 to `hashes.length - 1`) in the order of `members`. A row takes its place from the
 * member it was read with; when the set no longer holds that one (re-scored since), from the
 * first member of its issue; when it holds none (removed since), it goes last, in row order. A
 * member of no row is passed over.
 */
export async function orderFromRanking(
  members: AsyncIterable<readonly string[]>,
  rowOf: (member: string) => number | undefined,
  hashes: ArrayLike<number>,
): Promise<Int32Array> {
  const n = hashes.length;
  const placeOf = new Int32Array(n).fill(-1);
  const exact = new Uint8Array(n);
  let place = 0;
  for await (const window of members) {
    for (const member of window) {
      const i = rowOf(member);
      if (i !== undefined && exact[i] === 0) {
        if (memberHash(member) === hashes[i]) {
          exact[i] = 1;
          placeOf[i] = place;
        } else if (placeOf[i] === -1) placeOf[i] = place;
      }
      place += 1;
    }
  }
  const rowAt = new Int32Array(place + n).fill(-1);
  for (let i = 0; i < n; i++) rowAt[placeOf[i] === -1 ? place + i : (placeOf[i] as number)] = i;
  return rowAt.filter((i) => i !== -1);
}
