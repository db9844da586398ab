import { defineConfig } from 'vitest/config';

// Tests run against one real embedded Postgres per run (each test file makes its own
// database in it) and real HTTP servers; allow for their startup on 2 cores.
export default defineConfig({
  test: {
    globalSetup: ['./src/testing/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
