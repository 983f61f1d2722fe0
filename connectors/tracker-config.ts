import { z } from 'zod';
import { JiraTrackerConfig } from './jira/config.js';
import { LinearTrackerConfig } from './linear/config.js';

/** One `trackers[]` entry: each connector folder owns its schema; adding a tracker adds a member. */
export const TrackerConfig = z.discriminatedUnion('kind', [JiraTrackerConfig, LinearTrackerConfig]);
export type TrackerConfig = z.infer<typeof TrackerConfig>;
