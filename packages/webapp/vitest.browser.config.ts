import { defineConfig } from 'vitest/config';

// `pnpm e2e` (also run by the root `pnpm e2e`): the real platform through the launcher on free
// ports, and the UI driven in Debian's Chromium. One file, in order; syncs take a while.
export default defineConfig({
  test: {
    include: ['e2e/**/*.browser.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
