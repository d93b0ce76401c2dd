import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = path.resolve(root, '..');
const SHARED_LIBRARIES = /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@tanstack[\\/][^\\/]+|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/;
const webSrc = path.join(root, 'src') + path.sep;

/**
 * Chunks by role: `vendor` (the libraries both pages use), `common` (web/src's top-level files:
 * API client, i18n with its zh-CN messages, shared UI, styles), then each page's own code.
 * Other languages and the console's economics screens stay lazily loaded chunks.
 */
function chunkByRole(id: string): string | undefined {
  if (SHARED_LIBRARIES.test(id)) return 'vendor';
  if (id.includes('vite/modulepreload-polyfill')) return 'common'; // not a request of its own
  if (id.startsWith(webSrc)) {
    const rel = id.slice(webSrc.length).split(path.sep);
    if (rel.length === 1 || (rel[0] === 'locales' && rel[1]?.startsWith('zh-CN'))) return 'common';
  }
  return undefined;
}

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

/** In development, each page request gets its entry's HTML, as the server does in production. */
function entryFallback(): Plugin {
  return {
    name: 'siyu:entry-fallback',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.method === 'GET' && req.url && !req.url.startsWith('/api/') && req.headers.accept?.includes('text/html')) {
          req.url = req.url.startsWith('/s/') ? '/shop.html' : '/admin.html';
        }
        next();
      });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  appType: 'mpa',
  plugins: [
    react(),
    entryFallback(),
    chunkModules(),
    // Brotli and gzip files beside each page, script and stylesheet: the server sends them as they
    // are (no compression work per request), so a phone gets the compressed size without a proxy.
    compression({ include: /\.(html|js|css)$/, algorithms: ['brotliCompress', 'gzip'] }),
  ],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // Two pages: the consumer's shop (/s/*), opened on phones, and the console (everything else).
    // They share only small common code (API client, i18n, styles), so the shop never loads console code.
    rollupOptions: {
      input: { shop: path.join(root, 'shop.html'), admin: path.join(root, 'admin.html') },
      output: {
        // The libraries change less often than the app's code, so a phone keeps them cached across releases.
        manualChunks: chunkByRole,
      },
    },
    // `.vite/manifest.json`: which chunks and styles each HTML entry loads up front (`siyu bench web`).
    manifest: true,
    // ECharts lives in the console's lazily loaded economics chunk.
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `vite --config web/vite.config.ts` during development talks to a locally running `siyu start`.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
