/**
 * One `trackers[]` entry: the union of every connector's own config schema, told apart by `kind`.
 * The schemas are listed here rather than taken from the registry's modules, so loading a config
 * loads no tracker SDK (`check`, and `serve`'s job thread while the main thread loads: README
 * "Performance"). The registry refuses to load if its modules and this list disagree.
 */
import { z } from 'zod';
import { JiraTrackerConfig } from './jira/config.js';
import { LinearTrackerConfig } from './linear/config.js';

export const TRACKER_CONFIGS = [JiraTrackerConfig, LinearTrackerConfig] as const;

export const TrackerConfig = z.discriminatedUnion('kind', TRACKER_CONFIGS);
export type TrackerConfig = z.infer<typeof TrackerConfig>;
