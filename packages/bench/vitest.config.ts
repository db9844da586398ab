import { defineConfig } from 'vitest/config';

// Tests start real servers: allow for their startup, and keep to the 2 cores this runs on.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, maxWorkers: 2 },
});
