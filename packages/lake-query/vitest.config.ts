import { defineConfig } from 'vitest/config';

// One embedded Postgres per run (each test file makes its own database in it); each file
// starts its own SeaweedFS and query service on free ports.
export default defineConfig({
  test: {
    globalSetup: ['./src/testing/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
