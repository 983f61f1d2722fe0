#!/usr/bin/env node
// `npm run soak [-- --minutes N]`: runs soak/run.ts through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { runSoak } = await import('../soak/run.ts');
process.exitCode = await runSoak(process.argv.slice(2));
// Its processes are stopped; a timer or socket left over must not keep the soak alive.
process.exit(process.exitCode);
