import { defineConfig } from 'vitest/config';

// `pnpm e2e`: the whole platform (Postgres, SeaweedFS, server, worker) as users start it,
// on free ports in a temp state folder. One file, in order; startup and syncs take a while.
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
