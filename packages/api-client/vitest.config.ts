import { defineConfig } from 'vitest/config';

// The seeding tests start a real embedded Postgres and the real API server in-process.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
