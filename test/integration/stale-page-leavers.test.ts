/**
 * A page read before an issue left the scope can be scored after the leaver check has forgotten
 * the issue (pages wait in the score queue). It must not bring the issue back into the ranking,
 * where plans would write to it until the next full reconcile (the soak: writes to issues out of
 * scope for a minute). A page asked for after the removal is the tracker's word again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { connectorFor } from '../../src/pipeline/context.js';
import { runSync, totals } from '../../src/pipeline/sync-run.js';
import { processScorePage } from '../../workers/score.js';
import { startHarness, type Harness } from './pipeline-harness.js';

let h: Harness | null = null;
afterAll(async () => {
  await h?.close();
});

describe('a stale page and an issue that left the scope', () => {
  it('keeps the issue out; a page asked for after the removal brings it back', async () => {
    h = await startHarness({ jira: { issues: 12, seed: 71 }, linear: { issues: 2, seed: 72 } });
    const ctx = h.ctx;
    const sync = await runSync(ctx, { trackerIds: ['acme-jira'], full: true, dryRun: false });
    expect(totals(sync).failed).toBe(0);
    const runId = sync[0]?.runId ?? '';
    const record = (await ctx.store.all('acme-jira')).find((r) => r.result.status === 'scored');
    if (!record) throw new Error('no scored Jira issue');
    const jira = connectorFor(ctx, 'acme-jira');

    // The page is read while the issue is in scope...
    const pageAskedAt = Date.now();
    const snapshot = await jira.fetchIssue(record.id);
    if (!snapshot) throw new Error('issue not in scope');
    // ...then the issue leaves and the leaver check forgets it, before the page is scored.
    h.jira.editIssue(record.key, { status: 'Done' });
    await ctx.store.remove(record);
    const page = { trackerId: 'acme-jira', runId, page: 9, full: false, issues: [snapshot] };
    await processScorePage(ctx, { ...page, pulledAtMs: pageAskedAt });
    expect(await ctx.store.get('acme-jira', record.id)).toBeNull();

    // It comes back into scope, and a page asked for now holds it again.
    h.jira.editIssue(record.key, { status: 'To Do' });
    const later = await jira.fetchIssue(record.id);
    if (!later) throw new Error('issue not back in scope');
    await processScorePage(ctx, { ...page, issues: [later], pulledAtMs: Date.now() });
    expect((await ctx.store.get('acme-jira', record.id))?.key).toBe(record.key);
  });
});
