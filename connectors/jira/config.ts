import { z } from 'zod';

/** The `trackers[]` entry for a Jira Cloud site (see DESIGN.md's public contract). */
export const JiraTrackerConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
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
      })
      .strict(),
    /** Also order the board backlog (agile rank API) by net value. */
    rank: z.boolean().default(false),
    /** `notifyUsers=false` on edits; needs Administer Jira/Projects, silently ignored otherwise. */
    notifyUsers: z.boolean().default(true),
    /** Issues with this label are never moved by rank write-back. */
    pinLabel: z.string().min(1).default('netvalue-pin'),
    webhookSecret: z.string().min(1).optional(),
    /** Per-request timeout. */
    timeoutMs: z.number().int().positive().default(20_000),
    /** Write rate across every process (Jira's burst limits are per site). */
    writesPerSec: z.number().positive().default(10),
  })
  .strict();
export type JiraTrackerConfig = z.infer<typeof JiraTrackerConfig>;
