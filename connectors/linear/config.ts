import { z } from 'zod';
import { requireHttps, TrackerBase, writesPerSec } from '../tracker-base.js';
import { LinearWorkTypeConfig } from './work-type.js';

const CostFromEstimate = z
  .object({
    from: z.literal('estimate'),
    /** Hours per estimate point; defaults to `scoring.hoursPerPoint`. */
    hoursPerPoint: z.number().positive().optional(),
    /** Per-team override by team key, e.g. `{ ENG: 6 }`. */
    hoursPerPointByTeam: z.record(z.string(), z.number().positive()).default({}),
  })
  .strict();

const CostFromLabels = z
  .object({
    from: z.literal('labels'),
    /** Label group whose labels name hours (`40h`). */
    labelGroup: z.string().min(1).default('Cost'),
  })
  .strict();

/** The `trackers[]` entry for a Linear workspace (see docs/architecture.md and the README). */
export const LinearTrackerConfig = TrackerBase.extend({
  kind: z.literal('linear'),
  apiUrl: z.url({ protocol: /^https?$/ }).default('https://api.linear.app/graphql'),
  apiKey: z.string().min(1),
  /** Team keys in scope. */
  teams: z.array(z.string().min(1)).min(1),
  /** Label group whose labels name a monthly amount (`$5k`, `$60k/yr`). */
  valueLabelGroup: z.string().min(1).default('Value'),
  cost: z
    .discriminatedUnion('from', [CostFromEstimate, CostFromLabels])
    .default({ from: 'estimate', hoursPerPointByTeam: {} }),
  writeBack: z
    .object({
      prioritySortOrder: z.boolean().default(true),
      priority: z.boolean().default(false),
      attachment: z.boolean().default(false),
    })
    .strict()
    .default({ prioritySortOrder: true, priority: false, attachment: false }),
  /** Technical or product work, by labels and label groups (README "Backlog reviews"). */
  workType: LinearWorkTypeConfig,
  /** Include completed and canceled issues. */
  includeCompleted: z.boolean().default(false),
  /**
   * Write rate across every process. An API key's quota is 2,500 requests/hour (about 0.7/s,
   * reads included), so the default stays under it; an OAuth app (5,000/h) can go to ~1.2.
   */
  writesPerSec: writesPerSec(0.6),
})
  .strict()
  .superRefine(requireHttps('apiUrl'));
export type LinearTrackerConfig = z.infer<typeof LinearTrackerConfig>;
