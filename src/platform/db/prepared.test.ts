import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { createDb } from './database.js';
import { preparingPool } from './prepared.js';

const { url } = await createTestDatabase();
/** The one application table these tests read; the platform's own typing knows none. */
interface Schema { tenants: { id: string; slug: string } }

/** Names of the statements this connection has prepared, read from the server itself. */
const preparedHere = sql<{ name: string; generic_plans: string }>`SELECT name, generic_plans::text FROM pg_prepared_statements WHERE name LIKE 's%'`;

describe('prepared statements', () => {
  it('prepares parameterised statements once per connection, planned generically', async () => {
    const db = createDb<Schema>(url, { max: 1, prepare: true });
    try {
      for (let i = 0; i < 3; i++) await db.selectFrom('tenants').select('id').where('slug', '=', `t${i}`).execute();
      const { rows } = await preparedHere.execute(db);
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.generic_plans)).toBe(3);
      const { rows: mode } = await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(db);
      expect(mode[0]!.plan_cache_mode).toBe('force_generic_plan');
    } finally {
      await db.destroy();
    }
  });

  it('prepares nothing and keeps custom plans with prepare off (transaction-mode poolers)', async () => {
    const db = createDb<Schema>(url, { max: 1, prepare: false });
    try {
      await db.selectFrom('tenants').select('id').where('slug', '=', 'x').execute();
      expect((await preparedHere.execute(db)).rows).toHaveLength(0);
      const { rows: mode } = await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(db);
      expect(mode[0]!.plan_cache_mode).toBe('auto');
    } finally {
      await db.destroy();
    }
  });

  it('keeps SQLSTATE codes on errors and the connection usable after a failed prepared statement', async () => {
    const db = createDb<Schema>(url, { max: 1, prepare: true });
    try {
      const err = await sql`SELECT 1 / ${0}::int`.execute(db).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('22012');
      await expect(db.transaction().execute(async (tx) => {
        await sql`SELECT ${1}::int`.execute(tx);
        await sql`SELECT 1 / ${0}::int`.execute(tx);
      })).rejects.toMatchObject({ code: '22012' });
      const { rows } = await sql<{ n: number }>`SELECT ${41}::int + 1 AS n`.execute(db);
      expect(rows[0]!.n).toBe(42);
    } finally {
      await db.destroy();
    }
  });

  it('stops preparing new statements on a connection past its cap, still running them', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool, { maxPerConnection: 2 }) }) });
    try {
      for (let i = 0; i < 4; i++) {
        const { rows } = await sql<{ n: number }>`SELECT ${i}::int + ${i} AS n ${sql.raw(`-- shape ${i}`)}`.execute(db);
        expect(rows[0]!.n).toBe(2 * i);
      }
      expect((await preparedHere.execute(db)).rows).toHaveLength(2);
    } finally {
      await db.destroy();
    }
  });
});
