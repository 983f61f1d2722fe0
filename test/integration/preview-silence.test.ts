/**
 * A preview reads and re-scores every stored issue, about a minute at 1,000,000 issues: longer
 * than a connection may otherwise stay silent (`server.connectionTimeoutMs`). Its connection is
 * kept open until it answers, over a real listening server.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../src/pipeline/context.js';
import { buildServer } from '../../src/server/build-server.js';
import { mergeSettings } from '../../src/server/preview.js';
import { previewStored } from '../../src/server/preview-stored.js';
import { startHarness, type Harness } from './pipeline-harness.js';
import { syncAll } from './server-harness.js';

const SILENCE_MS = 300;
let h: Harness | null = null;
afterAll(async () => {
  await h?.close();
});

describe('POST /admin/preview on a slow backlog', () => {
  it('answers whole after the connection timeout has passed', async () => {
    h = await startHarness({
      jira: { issues: 20, seed: 71 },
      linear: { issues: 10, seed: 72 },
      config: { server: { connectionTimeoutMs: SILENCE_MS } },
    });
    await syncAll(h);
    const ctx = h.ctx;
    // The job thread's preview, computed as it computes it, answering three timeouts later (the
    // time a large backlog takes).
    const app = await buildServer({
      ctx,
      workersRunning: () => true,
      jobs: {
        report: () => Promise.resolve({ metrics: [], budgets: {} }),
        preview: (settings, limit) =>
          delay(SILENCE_MS * 3).then(() =>
            previewStored(ctx, settings, (id) => connectorFor(ctx, id), ctx.settings, {
              ...(limit === undefined ? {} : { limit }),
            }),
          ),
      },
    });
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const merged = mergeSettings(ctx.settings, { hourlyRateUsd: ctx.settings.hourlyRateUsd * 2 });
      const asked = Date.now();
      const res = await fetch(`${base}/admin/preview`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${h.config.adminToken ?? ''}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ hourlyRateUsd: merged.hourlyRateUsd }),
      });
      expect(Date.now() - asked).toBeGreaterThanOrEqual(SILENCE_MS * 3);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { changedCount: number };
      // A doubled rate moves every issue with a Cost; the answer is the preview itself.
      expect(body.changedCount).toBeGreaterThan(0);
      const direct = await previewStored(ctx, merged, (id) => connectorFor(ctx, id), ctx.settings);
      expect(body).toEqual(JSON.parse(JSON.stringify(direct)));
    } finally {
      await app.close();
    }
  });
});
