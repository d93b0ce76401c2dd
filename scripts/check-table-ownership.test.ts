import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTableOwnership } from './check-table-ownership.js';

const repo = path.resolve(import.meta.dirname, '..');

/** A copy of the source tree to plant violations in. */
function copyOfSource() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-ownership-'));
  fs.cpSync(path.join(repo, 'src'), path.join(dir, 'src'), { recursive: true });
  return dir;
}

describe('table ownership', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  it('holds for the code as it is', () => {
    expect(checkTableOwnership(repo)).toEqual([]);
  });

  it('fails a module writing another module\'s table, naming file, line and table', () => {
    const dir = copyOfSource();
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'src/modules/orders/orders.sneaky.ts'),
      "import { sql } from 'kysely';\n\nexport const take = sql`UPDATE stock SET reserved = reserved + 1`;\nexport const peek = (db: any) => db.selectFrom('campaigns').selectAll();\n"
      + "// reads from customers in prose is no violation\nexport const names = sql`SELECT name\n  FROM\n    customers`;\n");
    const found = checkTableOwnership(dir).map((v) => [v.file, v.line, v.table, v.owner]);
    expect(found).toEqual([
      ['src/modules/orders/orders.sneaky.ts', 3, 'stock', 'inventory'],
      ['src/modules/orders/orders.sneaky.ts', 4, 'campaigns', 'campaigns'],
      ['src/modules/orders/orders.sneaky.ts', 7, 'customers', 'customers'],
    ]);
  });

  it('fails a flow naming any table, even one it could read through a fragment', () => {
    const dir = copyOfSource();
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'src/flows/sneaky.flow.ts'), "export const q = (db: any) => db.innerJoin('orders as o', () => true);\n");
    expect(checkTableOwnership(dir).map((v) => `${v.file}:${v.line}:${v.table}`)).toEqual(['src/flows/sneaky.flow.ts:1:orders']);
  });
});
