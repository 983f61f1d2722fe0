#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so `npx netvalue` works right after `npm ci`
// with no build step. run-process.ts loads .env, runs the command, and guarantees the exit.
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import('../src/cli/run-process.ts');
await runProcess(process.argv.slice(2));
