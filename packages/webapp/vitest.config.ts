import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// `pnpm test`: component tests in jsdom and the static server's tests. The browser tests
// (e2e/*.browser.test.ts, a real platform and Chromium) run with vitest.browser.config.ts.
export default defineConfig({
  plugins: [react()],
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts'],
    environment: 'jsdom',
  },
});
