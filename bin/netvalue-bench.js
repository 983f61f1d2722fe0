#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { runBenchmarks } = await import('../bench/run.ts');
// Exits once the figures are written: a client left open by one benchmark (the cluster run's, last
// seen) must not keep `npm run bench` waiting forever.
process.exit(await runBenchmarks(process.argv.slice(2)));
