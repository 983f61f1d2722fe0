/** Config problems, each with its path in the file; commands exit 2 on them (README "Commands"). */
import type { Problem } from './interpolate.js';

/** The exit status of a command stopped by its configuration or usage. */
export const EXIT_CONFIG = 2;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    const list = problems.map((p) => `  - ${p.path || '(top level)'}: ${p.message}`).join('\n');
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the config\n${list}`,
    );
  }
}
