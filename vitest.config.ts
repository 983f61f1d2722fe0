import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests share one Redis; each uses its own key prefix, so files may run in parallel.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/setup/fast-check.ts'],
    // CLI processes the tests start run the current sources, not a dist/ built earlier
    // (bin/netvalue.js); test/integration/build.test.ts checks the compiled build itself.
    env: { NETVALUE_FROM_SOURCE: '1' },
    reporters: ['default'],
  },
});
