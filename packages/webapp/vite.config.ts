import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm build` writes dist/, which `platform up` serves on ports.webapp (server/static-server.ts).
// `pnpm dev` proxies to a platform already running on the default ports.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8001',
      '/query': { target: 'http://127.0.0.1:9047', rewrite: (p) => p.replace(/^\/query/, '') },
    },
  },
});
