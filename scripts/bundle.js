#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/src/cli/bin.js) and the job thread (dist/workers/job-thread.js)
 * with their dependencies into dist/bundle/, split into chunks that load when a command needs
 * them. `npm run build` runs it after tsc; bin/netvalue.js runs the bundle when it exists.
 *
 * Why: `serve` spent most of its start-up resolving and loading about 2,000 small module files
 * (jira.js alone ships one per API group, axios and zod many more), once in each thread. One
 * bundle loads in about half the time: `serve.readyMs` 2,000 ms → about 1,000 ms (README
 * "Performance").
 *
 * `--without-demo` leaves the demo command and the sandboxes out (the production image):
 * `netvalue demo` then says it is not in this build.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url).pathname;
const withoutDemo = process.argv.includes('--without-demo');
const outdir = `${root}dist/bundle`;

/**
 * The demo command (and, through it, both sandboxes) stays out of a production bundle.
 * @type {import('esbuild').Plugin}
 */
const leaveOutDemo = {
  name: 'leave-out-demo',
  setup(b) {
    b.onResolve({ filter: /^\.\/demo\.js$/ }, (args) =>
      args.importer.endsWith('/cli/main.js') ? { path: './demo.js', external: true } : undefined,
    );
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/src/cli/bin.js`, `${root}dist/workers/job-thread.js`],
  outbase: `${root}dist`,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit at the bundle's root; src/cli/job-thread.ts finds the thread's entry from there.
  chunkNames: '[name]-[hash]',
  define: { NETVALUE_BUNDLE: 'true' },
  // A module's source text stays in its thread's heap. Unminified, the chunks kept every comment,
  // and a comment with one character beyond Latin-1 (an arrow, a dash) made its whole chunk a
  // two-byte string: 13 MB of the job thread's idle heap. Whitespace and syntax minified (names
  // kept, so stack traces still name functions): idle RSS of serve 168 → 148 MB (README
  // "Performance").
  minifyWhitespace: true,
  minifySyntax: true,
  // An optional native add-on (msgpackr's), loaded by require at run time when installed.
  external: ['msgpackr-extract'],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __netvalueRequire } from 'node:module'; const require = __netvalueRequire(import.meta.url);",
  },
  plugins: withoutDemo ? [leaveOutDemo] : [],
  logLevel: 'warning',
});
