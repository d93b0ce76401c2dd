import pg from 'pg';
import { inject, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createDb } from '../src/platform/db/database.js';
import type { Database, Db } from '../src/database.js';
import { withDatabase } from './global-setup.js';

export interface TestDatabase { db: Db; url: string }

/** A fresh, migrated database for one test file, dropped when the file ends. */
export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `siyu_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = createDb<Database>(url, { max: options.max ?? 10 });
  afterAll(async () => {
    await db.destroy();
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });
  return { db, url };
}
