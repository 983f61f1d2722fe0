/**
 * Two deployments on one Redis prefix would take each other's jobs and write values to unrelated
 * issues: a prefix records which site each tracker id syncs, and another site is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../src/config/schema.js';
import { createContext, createLogger } from '../../src/main.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function withJiraSite(config: Config, baseUrl: string): Config {
  return ConfigSchema.parse({
    ...config,
    trackers: config.trackers.map((t) => (t.kind === 'jira' ? { ...t, baseUrl } : t)),
  });
}

describe('deployment prefix', () => {
  it('refuses a configuration whose tracker id syncs another site, naming both', async () => {
    h = await startHarness({ workers: false, jira: { issues: 2 }, linear: { issues: 2 } });
    const options = { connectors: h.ctx.connectors, logger: createLogger({ logLevel: 'silent' }) };

    // The same deployment again (a restart, a second process): accepted.
    const again = await createContext(h.config, options);
    await again.close();

    const other = withJiraSite(h.config, 'https://other-company.atlassian.net');
    const refused = await createContext(other, options).then(
      async (ctx) => {
        await ctx.close();
        return null;
      },
      (err: unknown) => err as Error,
    );
    expect(refused?.message).toContain(
      `Redis prefix {${h.prefix}} holds another deployment's state`,
    );
    expect(refused?.message).toContain("tracker 'acme-jira'");
    expect(refused?.message).toContain('https://other-company.atlassian.net here');
    expect(refused?.message).toContain(new URL(h.jira.url).origin);

    // A tracker added to the same deployment is recorded, not refused.
    const added = ConfigSchema.parse({
      ...h.config,
      trackers: [...h.config.trackers, { ...h.config.trackers[0], id: 'acme-jira-2' }],
    });
    const grown = await createContext(added, options);
    await grown.close();
  });
});
