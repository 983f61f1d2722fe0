#!/usr/bin/env node
// `npm run bench`: runs bench/run.ts through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { runBenchmarks } = await import('../bench/run.ts');
process.exitCode = await runBenchmarks(process.argv.slice(2));
