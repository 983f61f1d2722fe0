#!/usr/bin/env node
// Runs the compiled service: dist/bundle/ (one bundle with its dependencies, scripts/bundle.js),
// else dist/, both built from the sources by `npm ci` (the `prepare` script) or `npm run build`.
// NETVALUE_FROM_SOURCE=1 (set by the tests) runs the TypeScript sources through tsx instead, as
// does a clone that has not been built; tsx is a development dependency.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const bundled = new URL('../dist/bundle/src/cli/bin.js', import.meta.url);
const compiled = new URL('../dist/src/cli/bin.js', import.meta.url);
if (process.env.NETVALUE_FROM_SOURCE === '1' || !existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/bin.ts');
} else {
  await import((existsSync(bundled) ? bundled : compiled).href);
}
