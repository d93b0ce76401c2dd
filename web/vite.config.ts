import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = path.resolve(root, '..');

/**
 * Writes `.vite/modules.json`: for each emitted chunk, the source modules it contains. Vite's own
 * manifest says which chunks an entry loads but not what is inside them; this is what lets a test
 * assert that the shop's first load carries no ECharts or console code.
 */
function chunkModules(): Plugin {
  return {
    name: 'siyu:chunk-modules',
    apply: 'build',
    generateBundle(_options, bundle) {
      const modules: Record<string, string[]> = {};
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        modules[fileName] = output.moduleIds
          .filter((id) => !id.startsWith('\0'))
          .map((id) => path.relative(repoRoot, id.split('?')[0]!).split(path.sep).join('/'));
      }
      this.emitFile({ type: 'asset', fileName: '.vite/modules.json', source: `${JSON.stringify(modules, null, 1)}\n` });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), chunkModules()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // `.vite/manifest.json`: which chunks and styles each HTML entry loads up front (`siyu bench web`).
    manifest: true,
    // ECharts lives in the lazily loaded economics chunk; the shop bundle stays small.
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `vite --config web/vite.config.ts` during development talks to a locally running `siyu start`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
