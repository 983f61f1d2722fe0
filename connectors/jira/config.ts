import { z } from 'zod';
import { requireHttps, TrackerBase, writesPerSec } from '../tracker-base.js';
import { JiraWorkTypeConfig } from './work-type.js';

/** The `trackers[]` entry for a Jira Cloud site (see docs/architecture.md and the README). */
export const JiraTrackerConfig = TrackerBase.extend({
  kind: z.literal('jira'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  email: z.string().min(1),
  apiToken: z.string().min(1),
  /** Bounded JQL selecting the issues in scope; an ORDER BY is kept at the end. */
  jql: z.string().min(1),
  fields: z
    .object({
      /** Number field holding Value in $/month (name or id). */
      value: z.string().min(1),
      /** Number field holding Cost, in `costUnit`. */
      cost: z.string().min(1),
      costUnit: z.enum(['hours', 'points', 'usd']).default('hours'),
      /** Number field that receives the net value. */
      netValue: z.string().min(1),
      /** Optional number field that receives the 1-based unified rank position. */
      rankPosition: z.string().min(1).optional(),
      /** Optional number fields: the low and high ends of Value ($/month); `value` is the most likely. */
      valueLow: z.string().min(1).optional(),
      valueHigh: z.string().min(1).optional(),
      /** Optional number fields: the low and high ends of Cost, in `costUnit`. */
      costLow: z.string().min(1).optional(),
      costHigh: z.string().min(1).optional(),
      /**
       * Optional short text field: Value as an impact on a `scoring.metrics` metric
       * (`+5% signups`, `+3-8% signups`), instead of `value`.
       */
      valueImpact: z.string().min(1).optional(),
      /** Optional number fields that receive the P10 and P90 of the net value ($). */
      netValueLow: z.string().min(1).optional(),
      netValueHigh: z.string().min(1).optional(),
      /** Optional number field that receives the chance (whole %, 0-100) the net value is above $0. */
      confidence: z.string().min(1).optional(),
    })
    .strict(),
  /** Also order the board backlog (agile rank API) by net value. */
  rank: z.boolean().default(false),
  /**
   * Watcher notifications for our edits. Unset: netvalue asks Jira (GET /mypermissions) and sends
   * `notifyUsers=false` only when the account has Administer Jira or Administer Projects. `false`
   * always sends it (Jira refuses such edits, 403, without those rights); `true` never does.
   */
  notifyUsers: z.boolean().optional(),
  /** Technical or product work, by labels and issue types (README "Backlog reviews"). */
  workType: JiraWorkTypeConfig,
  /** Write rate across every process (Jira's burst limits are per site). */
  writesPerSec: writesPerSec(10),
})
  .strict()
  .superRefine(requireHttps('baseUrl'));
export type JiraTrackerConfig = z.infer<typeof JiraTrackerConfig>;
