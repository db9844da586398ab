import { defineConfig } from 'vitest/config';

// `pnpm test`: the helpers' unit tests only. The platform suite runs with `pnpm e2e`
// (vitest.e2e.config.ts).
export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'src/**/*.e2e.test.ts'],
  },
});
