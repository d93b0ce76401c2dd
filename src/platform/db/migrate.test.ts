import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { migrate, MIGRATIONS_DIR } from './migrate.js';

describe('migrate', async () => {
  const { db, url } = await createTestDatabase();

  it('re-running applies nothing new', async () => {
    const result = await migrate(url);
    expect(result.applied).toEqual([]);
    expect(result.skipped).toBeGreaterThan(0);
  });

  it('refuses to run when an applied file was edited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    const first = fs.readdirSync(dir).sort()[0]!;
    fs.appendFileSync(path.join(dir, first), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/was edited after it was applied/);
    fs.rmSync(dir, { recursive: true });
  });

  it('applies a new file once and records it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, '999_probe.sql'), 'CREATE TABLE probe (id int);');
    expect((await migrate(url, dir)).applied).toEqual(['999_probe.sql']);
    expect((await migrate(url, dir)).applied).toEqual([]);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations WHERE name = '999_probe.sql'`.execute(db);
    expect(rows[0]!.n).toBe(1);
    fs.rmSync(dir, { recursive: true });
  });
});
