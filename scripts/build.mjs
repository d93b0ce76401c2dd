#!/usr/bin/env node
// Builds the server (tsc → dist/) and the web app (vite → web/dist/).
//   node scripts/build.mjs             build both
//   node scripts/build.mjs --if-stale  build only a part whose sources are newer than its last build
//   node scripts/build.mjs [--if-stale] server|web   only that part
// A part's last build is the time of its stamp file, written after a build succeeds. Directory
// times count too, so deleting or renaming a source file makes its part stale.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifStale = process.argv.includes('--if-stale');

const parts = [
  {
    name: 'server',
    stamp: 'dist/.built',
    sources: ['src', 'bench', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    tool: 'typescript/bin/tsc',
    args: ['-p', 'tsconfig.build.json'],
  },
  {
    name: 'web',
    stamp: 'web/dist/.built',
    // The console bundles the example incentive plans.
    sources: ['web', 'examples', 'package-lock.json'],
    skip: ['web/dist'],
    tool: 'vite/bin/vite.js',
    args: ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
  },
];

// Two builds at once (two test files, two terminals) would write the same files: one at a time,
// the second re-checking staleness after the first finishes.
const lock = path.join(root, '.build.lock');
await takeLock();
try {
  build();
} finally {
  fs.rmSync(lock, { force: true, recursive: true });
}

function build() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  for (const name of only) if (!parts.some((p) => p.name === name)) throw new Error(`unknown part ${name}: server or web`);
  for (const part of parts) {
    if (only.length && !only.includes(part.name)) continue;
    const stamp = path.join(root, part.stamp);
    const built = mtime(stamp);
    if (ifStale && built !== undefined && newest(part) <= built) continue;
    const tool = path.join(root, 'node_modules', part.tool);
    if (!fs.existsSync(tool)) {
      // A production install (npm ci --omit=dev) has no compilers: it runs the build it was given.
      if (ifStale && built !== undefined) continue;
      console.error(`siyu: cannot build the ${part.name}: its build tools (devDependencies) are not installed; run \`npm ci && npm run build\``);
      process.exitCode = 1;
      return;
    }
    if (ifStale) console.error(`building the ${part.name} (sources changed since the last build)…`);
    // A production build whoever calls (vitest sets NODE_ENV=test, and vite would then bundle React's development build).
    const run = spawnSync(process.execPath, [tool, ...part.args], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (run.status !== 0) {
      process.exitCode = run.status ?? 1;
      return;
    }
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
}

async function takeLock() {
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = 0;
    try {
      holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    } catch { /* just taken, pid not written yet; or just released */ }
    // A build that was killed leaves its lock behind: take it over.
    if (holder ? !alive(holder) : Date.now() - (mtime(lock) ?? Date.now()) > 10_000) fs.rmSync(lock, { force: true, recursive: true });
    else await new Promise((r) => setTimeout(r, 200));
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function newest(part) {
  const skip = new Set((part.skip ?? []).map((p) => path.join(root, p)));
  let latest = 0;
  const visit = (file) => {
    if (skip.has(file)) return;
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return;
    }
    if (!file.endsWith('.test.ts')) latest = Math.max(latest, stat.mtimeMs);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(file)) if (entry !== 'node_modules') visit(path.join(file, entry));
  };
  for (const source of part.sources) visit(path.join(root, source));
  return latest;
}
