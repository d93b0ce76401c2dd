import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // ECharts lives in the lazily loaded economics chunk; the shop bundle stays small.
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `vite --config web/vite.config.ts` during development talks to a locally running `siyu start`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
