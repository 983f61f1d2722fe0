/** The process entry of `netvalue` (bin/netvalue.js runs its compiled form, dist/src/cli/bin.js). */
import { runProcess } from './run-process.js';

await runProcess(process.argv.slice(2));
