/**
 * `netvalue review [--since 7d] [--top 20] [--tracker ID] [--json|--markdown]`: the backlog review
 * from stored state (README "Backlog reviews"). It reads Redis only, never the trackers.
 */
import type { Env } from '../config.js';
import { DEFAULT_REVIEW_TOP, MAX_REVIEW_TOP } from '../review/config.js';
import { loadReview } from '../review/load.js';
import { parseSince } from '../review/since.js';
import { parseFlags, UsageError } from './args.js';
import { loadConfigOrReport, withContext } from './context.js';
import type { Io } from './output.js';
import { reviewMarkdown, reviewText } from './review-render.js';

function topOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REVIEW_TOP;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REVIEW_TOP) {
    throw new UsageError(
      `--top must be a whole number from 1 to ${MAX_REVIEW_TOP}, got '${value}'`,
    );
  }
  return n;
}

export async function runReview(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {
    since: { type: 'string' },
    top: { type: 'string' },
    tracker: { type: 'string' },
    json: { type: 'boolean' },
    markdown: { type: 'boolean' },
  });
  if (values.json && values.markdown) throw new UsageError('--json and --markdown: choose one');
  const nowMs = Date.now();
  const since = parseSince(values.since ?? '7d', nowMs);
  if (!since.ok) throw new UsageError(`--since ${since.message}`);
  const top = topOf(values.top);
  const config = loadConfigOrReport(values.config, env, io);
  if (typeof config === 'number') return config;
  const ids = config.trackers.map((t) => t.id);
  if (values.tracker !== undefined && !ids.includes(values.tracker)) {
    throw new UsageError(
      `--tracker: unknown tracker '${values.tracker}'; configured: ${ids.join(', ')}`,
    );
  }
  const trackerId = values.tracker ?? null;
  // Stored state only: no connector is created, so no tracker is called.
  return withContext(
    values.config,
    env,
    io,
    async (ctx) => {
      const review = await loadReview(ctx, { sinceMs: since.ms, nowMs, top, trackerId });
      if (values.json) io.out(JSON.stringify(review, null, 2));
      else io.out(values.markdown ? reviewMarkdown(review) : reviewText(review));
      return 0;
    },
    { connectors: new Map() },
  );
}
