import { defineConfig } from 'vitest/config';

// The tests run real processes: the CLI (about 1 s of tsx start-up alone, several when the
// 2 cores are shared) and small supervised Node scripts. The 5 s default is too tight for them.
export default defineConfig({
  test: {
    testTimeout: 60_000,
  },
});
