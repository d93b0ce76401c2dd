/**
 * Every table has one owner: the module whose *.tables.ts declares it (or the platform, for its
 * own). dependency-cruiser sees imports, not SQL text, so this check reads the source: a module
 * naming another's table (Kysely's selectFrom/insertInto/updateTable/deleteFrom/joins, or SQL
 * FROM/JOIN/UPDATE/INSERT INTO/DELETE FROM), or a flow naming any table, fails with file, line and
 * table. Others reach a table through its owner's service or the SQL fragments it exports.
 *
 * Not checked, on purpose:
 * - tests (*.test.ts): they arrange and inspect rows directly;
 * - src/cli/seed: the demo seed bulk-loads every module's demo data in a few statements;
 * - bench/: baselines are raw SQL doing the same writes as the code they measure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Violation { file: string; line: number; table: string; owner: string; message: string }

const SCANNED = /^src\/(modules|flows|platform|providers)\//;
const KYSELY = /\b(?:selectFrom|insertInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*['"]([a-z_]+)/g;
// SQL keywords in upper case, as the code writes them (prose in comments says "from" and "join"); a
// table name may follow on the next line.
const SQL = /\b(?:FROM|JOIN|UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+([a-z_]+)\b/g;

/** Table → owner ('platform' or a module's folder name), from the *Tables interfaces. */
export function tableOwners(root: string): Map<string, string> {
  const owners = new Map<string, string>();
  const declare = (file: string, owner: string, iface: RegExp) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const body = iface.exec(text)?.[1] ?? '';
    for (const m of body.matchAll(/([a-z_]+)\s*:/g)) {
      const prior = owners.get(m[1]!);
      if (prior && prior !== owner) throw new Error(`table ${m[1]} is declared by both ${prior} and ${owner}`);
      owners.set(m[1]!, owner);
    }
  };
  for (const t of platformTables(root)) owners.set(t, 'platform');
  for (const file of walk(root, 'src/modules').filter((f) => f.endsWith('.tables.ts'))) {
    declare(file, file.split('/')[2]!, /export interface \w+Tables \{([^}]*)\}/);
  }
  return owners;
}

/** The platform's tables are the keys of PlatformTables whose values are object blocks. */
function platformTables(root: string): string[] {
  const text = fs.readFileSync(path.join(root, 'src/platform/db/database.ts'), 'utf8');
  const body = /export interface PlatformTables \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  return [...body.matchAll(/^\s{2}([a-z_]+): \{/gm)].map((m) => m[1]!);
}

export function checkTableOwnership(root: string): Violation[] {
  const owners = tableOwners(root);
  const violations: Violation[] = [];
  for (const file of walk(root, 'src').filter((f) => SCANNED.test(f) && !f.endsWith('.test.ts'))) {
    const [, area, name] = file.split('/');
    const self = area === 'modules' ? name! : area === 'platform' ? 'platform' : null;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const rx of [KYSELY, SQL]) {
      for (const m of text.matchAll(rx)) {
        const table = m[1]!;
        const owner = owners.get(table);
        if (!owner || owner === self) continue;
        const line = text.slice(0, m.index).split('\n').length;
        const message = self === null
          ? `${file}:${line}: ${area} name table ${table} (owned by ${owner}); compose the owner's service or fragments instead`
          : `${file}:${line}: ${self} touches table ${table}, owned by ${owner}; use ${owner}'s service or a fragment it exports`;
        violations.push({ file, line, table, owner, message });
      }
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function walk(root: string, dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return walk(root, rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkTableOwnership(root);
  for (const v of violations) console.error(v.message);
  if (violations.length) {
    console.error(`table ownership: ${violations.length} violation(s)`);
    process.exit(1);
  }
  console.log(`table ownership: ok (${tableOwners(root).size} module tables, each touched only by its owner)`);
}
