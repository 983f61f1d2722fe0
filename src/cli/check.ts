/**
 * `netvalue check`: validate the config, refuse placeholder secrets, check Redis (reachable,
 * version, noeviction, persistence), reach every tracker, confirm fields exist and are writable.
 */
import { connectorModule } from '../../connectors/registry.js';
import type { Env } from '../config.js';
import { publicUrl, redisTarget } from '../main.js';
import { redactUrl } from '../redis-connect.js';
import { parseFlags } from './args.js';
import { printSection } from './check-lines.js';
import { checkRedis } from './check-redis.js';
import { checkSecrets } from './check-secrets.js';
import { loadConfigOrReport } from './context.js';
import type { Io } from './output.js';

export async function runCheck(argv: string[], io: Io, env: Env): Promise<number> {
  const { values } = parseFlags(argv, {});
  const config = loadConfigOrReport(values.config, env, io);
  if (typeof config === 'number') return config;
  io.out(`config ok: ${config.trackers.length} tracker(s), redis prefix '${config.redisPrefix}'`);
  let ok = printSection(io.out, 'secrets', checkSecrets(config));
  const target = redisTarget(config);
  const redisLines = await checkRedis(target, {
    redisPrefix: config.redisPrefix,
    trackerIds: config.trackers.map((t) => t.id),
  });
  const where =
    target.clusterNodes.length > 0
      ? `cluster ${target.clusterNodes.map(redactUrl).join(', ')}`
      : redactUrl(config.redisUrl);
  ok = printSection(io.out, `redis (${where})`, redisLines) && ok;
  for (const tracker of config.trackers) {
    const report = await connectorModule(tracker).check(tracker, { publicUrl: publicUrl(config) });
    io.out(`\n${tracker.id} (${tracker.kind}): ${report.ok ? 'ok' : 'PROBLEMS'}`);
    for (const line of report.lines) io.out(`  ${line.ok ? 'ok  ' : 'FAIL'} ${line.text}`);
    ok &&= report.ok;
  }
  return ok ? 0 : 1;
}
