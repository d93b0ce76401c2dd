#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` writes dist/); no TypeScript tooling is needed at run time.
import fs from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!fs.existsSync(main)) {
  console.error('siyu is not built yet: run `npm run build` (or `npm start`, which builds what is stale)');
  process.exit(1);
}
await import(main.href);
