/**
 * The start of a review period, as people write it: a duration back from now (`30m`, `12h`, `7d`,
 * `2w`) or an ISO-8601 time. Pure: `nowMs` is passed in.
 */

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** How far back a review may look: as long as ranking snapshots are kept (92 days). */
export const MAX_SINCE_MS = 92 * UNIT_MS.d;

export const SINCE_FORMAT = 'a duration like 30m, 12h, 7d or 2w, or an ISO-8601 time';

export type SinceResult = { ok: true; ms: number } | { ok: false; message: string };

export function parseSince(text: string, nowMs: number): SinceResult {
  const trimmed = text.trim();
  const duration = /^(\d{1,6})([mhdw])$/.exec(trimmed);
  let ms: number;
  if (duration) {
    ms = nowMs - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  } else if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && Number.isFinite(Date.parse(trimmed))) {
    ms = Date.parse(trimmed);
  } else {
    return { ok: false, message: `must be ${SINCE_FORMAT}, got '${text}'` };
  }
  if (ms > nowMs) return { ok: false, message: `must not be in the future, got '${text}'` };
  if (nowMs - ms > MAX_SINCE_MS) {
    return {
      ok: false,
      message: `must be within the last 92 days (snapshots are kept that long), got '${text}'`,
    };
  }
  return { ok: true, ms };
}
