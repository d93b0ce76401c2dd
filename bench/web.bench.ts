/**
 * `siyu bench web`: what each web entry's HTML makes a browser download before the page can be
 * used — its entry chunk, every chunk it imports statically (Vite adds them as modulepreload
 * links) and their styles — gzipped. Lazily imported routes are left out: they load on navigation.
 * The walk follows Vite's build manifest, so it measures exactly what the built HTML references.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Command } from 'commander';
import { PROJECT_ROOT } from '../src/platform/paths.js';

// Found from the project root: this file also runs compiled, from dist/bench/.
const ROOT = PROJECT_ROOT;
export const WEB_DIST = path.join(ROOT, 'web/dist');

/** The HTML entries of the web build and the figure each one gets. */
export const WEB_ENTRIES = { shop: 'shop.html', console: 'admin.html' } as const;
export type WebEntry = keyof typeof WEB_ENTRIES;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export interface FirstLoad {
  /** Emitted files, entry chunk first, each once. */
  js: string[];
  css: string[];
}

export interface EntryFigures {
  html: string;
  js_files: number;
  css_files: number;
  js_kb_gzip: number;
  css_kb_gzip: number;
  kb_gzip: number;
  kb_raw: number;
  /** The same files as the server sends them to a browser that accepts Brotli (the build's .br files). */
  kb_brotli: number;
  /** What its lazily imported routes and languages add when opened (JS + CSS, gzipped). */
  lazy_kb_gzip: number;
}

export function readManifest(dist = WEB_DIST): Manifest {
  const file = path.join(dist, '.vite/manifest.json');
  if (!fs.existsSync(file)) throw new Error(`no build manifest at ${file}: build the web app first (npm run build:web)`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
}

/** Source modules per emitted chunk, written by the build's chunk-modules plugin. */
export function readChunkModules(dist = WEB_DIST): Record<string, string[]> {
  return JSON.parse(fs.readFileSync(path.join(dist, '.vite/modules.json'), 'utf8')) as Record<string, string[]>;
}

/** Chunks the entry can import lazily (transitively), minus what its first load already holds. */
export function lazyLoad(manifest: Manifest, html: string): FirstLoad {
  const first = firstLoad(manifest, html);
  const js = new Set<string>();
  const css = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key]!;
    if (!first.js.includes(chunk.file)) js.add(chunk.file);
    for (const c of chunk.css ?? []) if (!first.css.includes(c)) css.add(c);
    for (const imported of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(imported);
  };
  visit(html);
  return { js: [...js], css: [...css] };
}

/** The entry chunk and its static imports, transitively; dynamic imports are not followed. */
export function firstLoad(manifest: Manifest, html: string): FirstLoad {
  if (!manifest[html]?.isEntry) throw new Error(`${html} is not an entry of this build (entries: ${Object.keys(manifest).filter((k) => manifest[k]!.isEntry).join(', ')})`);
  const js: string[] = [];
  const css = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no chunk ${key}`);
    js.push(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(html);
  return { js, css: [...css] };
}

const gzipBytes = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const brotliBytes = (file: string) => zlib.brotliCompressSync(fs.readFileSync(file)).length;
const kb = (bytes: number) => Math.round(bytes / 100) / 10;

export function measureEntry(manifest: Manifest, html: string, dist = WEB_DIST): EntryFigures {
  const load = firstLoad(manifest, html);
  const sum = (files: string[], size: (f: string) => number) => files.reduce((n, f) => n + size(path.join(dist, f)), 0);
  const jsGzip = sum(load.js, gzipBytes);
  const cssGzip = sum(load.css, gzipBytes);
  const lazy = lazyLoad(manifest, html);
  return {
    html,
    js_files: load.js.length,
    css_files: load.css.length,
    js_kb_gzip: kb(jsGzip),
    css_kb_gzip: kb(cssGzip),
    kb_gzip: kb(jsGzip + cssGzip),
    kb_raw: kb(sum([...load.js, ...load.css], (f) => fs.statSync(f).size)),
    kb_brotli: kb(sum([...load.js, ...load.css], brotliBytes)),
    lazy_kb_gzip: kb(sum([...lazy.js, ...lazy.css], gzipBytes)),
  };
}

/** The same production build as `npm run build:web`, into web/dist. */
export async function buildWeb(): Promise<void> {
  // Imported here, not at the top: vite is a build tool, not something the server needs at run time.
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}

export interface WebBenchFigures {
  shop_kb_gzip: number;
  console_kb_gzip: number;
  shop_kb_brotli: number;
  console_kb_brotli: number;
  build_seconds: number | null;
  entries: Record<WebEntry, EntryFigures>;
}

export async function runWebBench(opts: { build: boolean; json: boolean }): Promise<WebBenchFigures> {
  let buildSeconds: number | null = null;
  if (opts.build) {
    const start = performance.now();
    await buildWeb();
    buildSeconds = Number(((performance.now() - start) / 1000).toFixed(1));
  }
  const manifest = readManifest();
  const entries = Object.fromEntries(
    (Object.keys(WEB_ENTRIES) as WebEntry[]).map((name) => [name, measureEntry(manifest, WEB_ENTRIES[name])]),
  ) as Record<WebEntry, EntryFigures>;
  const figures: WebBenchFigures = {
    shop_kb_gzip: entries.shop.kb_gzip,
    console_kb_gzip: entries.console.kb_gzip,
    shop_kb_brotli: entries.shop.kb_brotli,
    console_kb_brotli: entries.console.kb_brotli,
    build_seconds: buildSeconds,
    entries,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    const lines = [`web: first load per entry (entry chunk + static imports + CSS; kB = 1,000 bytes, gzip level 9)`];
    for (const [name, e] of Object.entries(entries)) {
      lines.push(`  ${name.padEnd(8)} ${e.html.padEnd(11)} ${e.kb_gzip.toFixed(1).padStart(6)} kB gzip  (JS ${e.js_kb_gzip.toFixed(1)} in ${e.js_files} files, CSS ${e.css_kb_gzip.toFixed(1)}; ${e.kb_brotli.toFixed(1)} kB brotli, ${e.kb_raw.toFixed(1)} kB raw); lazily ${e.lazy_kb_gzip.toFixed(1)} kB more`);
    }
    if (buildSeconds !== null) lines.push(`  build    ${buildSeconds.toFixed(1)} s`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return figures;
}

export function registerWebBench(bench: Command): void {
  bench
    .command('web')
    .description('gzipped size of what the shop and the console load before first use')
    .option('--no-build', 'measure the existing web/dist instead of building it first')
    .option('--json', 'print one JSON line')
    .action(async (opts: { build: boolean; json?: boolean }) => {
      await runWebBench({ build: opts.build, json: opts.json === true });
    });
}
