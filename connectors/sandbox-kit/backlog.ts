/**
 * A seeded generator of realistic mixed backlogs (features, tech debt, bugs) for the sandboxes,
 * the demo, the tests and the benchmarks. Tracker-neutral: each sandbox maps a `BacklogItem` to
 * its own payload shape. Same seed, same backlog.
 */

export type BacklogKind = 'feature' | 'tech-debt' | 'bug';

export interface BacklogItem {
  title: string;
  kind: BacklogKind;
  /** $ per month, or null when nobody estimated it yet. */
  valueUsdPerMonth: number | null;
  /** Hours of work, or null when not estimated. */
  costHours: number | null;
  /** Story points (Fibonacci) matching the hours at 8 h/point, or null. */
  points: number | null;
}

export interface BacklogOptions {
  count: number;
  seed?: number;
  /** Share of items with a missing input (default 0.1). */
  missingShare?: number;
  /** Put the method's two example tasks first (login feature, performance work). */
  includeExamples?: boolean;
}

/** The two tasks of the method this project follows (docs/architecture.md, "The method"). */
export const EXAMPLE_TASKS: readonly BacklogItem[] = [
  {
    title: 'Implement a new user login feature',
    kind: 'feature',
    valueUsdPerMonth: 5000,
    costHours: 40,
    points: 5,
  },
  {
    title: 'Optimize application performance',
    kind: 'tech-debt',
    valueUsdPerMonth: 7000,
    costHours: 50,
    points: 6,
  },
];

const SUBJECTS = [
  'checkout',
  'search',
  'billing',
  'onboarding',
  'notifications',
  'reporting',
  'the mobile app',
  'the admin console',
  'SSO',
  'exports',
  'the public API',
  'invoices',
  'the dashboard',
  'user settings',
  'audit logs',
];
const TEMPLATES: Record<BacklogKind, readonly string[]> = {
  feature: [
    'Add saved filters to %s',
    'Bulk actions in %s',
    'Dark mode for %s',
    'Self-serve plan upgrades in %s',
    'CSV import for %s',
    'Usage alerts for %s',
  ],
  'tech-debt': [
    'Upgrade the ORM used by %s',
    'Remove the legacy queue behind %s',
    'Cut p99 latency of %s',
    'Split the monolith module for %s',
    'Add integration tests around %s',
    'Replace the cron jobs of %s',
  ],
  bug: [
    'Timeouts in %s under load',
    'Wrong totals in %s',
    'Duplicate emails from %s',
    'Memory leak in %s',
    'Race condition when saving %s',
    'Broken pagination in %s',
  ],
};
const FIBONACCI = [1, 2, 3, 5, 8, 13];

/** mulberry32: small, fast, good enough for fixtures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateBacklog(options: BacklogOptions): BacklogItem[] {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const missingShare = options.missingShare ?? 0.1;
  const items: BacklogItem[] = options.includeExamples ? EXAMPLE_TASKS.map((t) => ({ ...t })) : [];
  while (items.length < options.count) {
    const kind = pick<BacklogKind>(['feature', 'feature', 'tech-debt', 'tech-debt', 'bug']);
    const points = pick(FIBONACCI);
    // Values in round $250 steps, higher for features, lower for bugs.
    const scale = kind === 'feature' ? 40 : kind === 'tech-debt' ? 30 : 16;
    const value = Math.round(1 + random() * scale) * 250;
    const missing = random() < missingShare;
    const missingValue = missing && random() < 0.6;
    items.push({
      title: pick(TEMPLATES[kind]).replace('%s', pick(SUBJECTS)),
      kind,
      valueUsdPerMonth: missingValue ? null : value,
      costHours: missing && !missingValue ? null : points * 8,
      points: missing && !missingValue ? null : points,
    });
  }
  return items.slice(0, options.count);
}
