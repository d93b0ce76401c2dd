import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The engine stays pure so the CLI, the server and the tests run it without a database: it
 * imports only itself, platform/money and platform/errors, and of packages only Zod (plans) —
 * tests may also use vitest and fast-check. A service, the database or HTTP here fails this test.
 */
const ENGINE = path.dirname(fileURLToPath(import.meta.url));
const PLATFORM = path.resolve(ENGINE, '../../../platform');
const ALLOWED_FILES = new Set([path.join(PLATFORM, 'money.ts'), path.join(PLATFORM, 'errors.ts')]);
const PACKAGES = new Set(['zod']);
const TEST_PACKAGES = new Set(['vitest', 'fast-check', 'node:fs', 'node:path', 'node:url']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(text: string): string[] {
  const found = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g), ...text.matchAll(/import\s*\(\s*['"]([^'"]+)['"]\s*\)/g), ...text.matchAll(/^import\s+['"]([^'"]+)['"]/gm)];
  return found.map((m) => m[1]!);
}

/** What a file imports that the rule forbids, as "file → specifier". */
function violations(file: string, text: string): string[] {
  const isTest = file.endsWith('.test.ts');
  return specifiers(text).filter((spec) => {
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      return !(target.startsWith(ENGINE + path.sep) || ALLOWED_FILES.has(target));
    }
    return !(PACKAGES.has(spec) || (isTest && TEST_PACKAGES.has(spec)));
  }).map((spec) => `${path.relative(ENGINE, file)} → ${spec}`);
}

describe('the economics engine', () => {
  it('imports only itself, platform/money, platform/errors and Zod', () => {
    // This file holds forbidden imports as data for the check below.
    const files = sources(ENGINE).filter((f) => f !== fileURLToPath(import.meta.url));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => violations(f, fs.readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the check catches a service, the database, HTTP or another module', () => {
    const file = path.join(ENGINE, 'guard.ts');
    const text = [
      "import { settingsOf } from '../economics-guard.service.js';",
      "import type { Conn } from '../../../platform/db/database.js';",
      "import { requireActor } from '../../../platform/http/auth.js';",
      "export { orderError } from '../../orders/orders.errors.js';",
      "const pg = await import('pg');",
      "import { fen } from '../../../platform/money.js';",
      "import { parsePlan } from './plan.js';",
    ].join('\n');
    expect(violations(file, text)).toEqual([
      'guard.ts → ../economics-guard.service.js',
      'guard.ts → ../../../platform/db/database.js',
      'guard.ts → ../../../platform/http/auth.js',
      'guard.ts → ../../orders/orders.errors.js',
      'guard.ts → pg',
    ]);
  });
});
