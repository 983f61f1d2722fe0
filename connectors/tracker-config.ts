/** One `trackers[]` entry (the registry builds the union from every connector's own schema). */
export { TrackerConfig } from './registry.js';
