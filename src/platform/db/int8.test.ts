import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { createDb } from './database.js';
import { parseInt8 } from './int8.js';

const { url } = await createTestDatabase();
const prepared = createDb(url, { max: 1, prepare: true });
const unprepared = createDb(url, { max: 1, prepare: false });
afterAll(async () => { await prepared.destroy(); await unprepared.destroy(); });

describe('int8 columns', () => {
  for (const [mode, db] of [['prepared', prepared], ['unprepared', unprepared]] as const) {
    it(`arrive as exact numbers up to the safe limit (${mode})`, async () => {
      const { rows } = await sql<{ a: unknown; b: unknown; c: unknown }>`SELECT ${'12345'}::bigint AS a, -9007199254740991::bigint AS b, count(*) AS c FROM (VALUES (1), (2)) v(x)`.execute(db);
      expect(rows[0]).toEqual({ a: 12345, b: -9007199254740991, c: 2 });
    });

    it(`fail the query past the safe limit instead of rounding, leaving the connection usable (${mode})`, async () => {
      await expect(sql`SELECT 9007199254740993::bigint AS n`.execute(db)).rejects.toThrow(/9007199254740993 is outside/);
      const { rows } = await sql<{ n: unknown }>`SELECT ${7}::bigint AS n`.execute(db);
      expect(rows[0]!.n).toBe(7);
    });
  }

  it('leave numeric (sum) as text and the process-wide pg parsers untouched', async () => {
    const { rows } = await sql<{ s: unknown }>`SELECT sum(x) AS s FROM (VALUES (1::bigint)) v(x)`.execute(prepared);
    expect(rows[0]!.s).toBe('1');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT 5::bigint AS n')).rows[0].n).toBe('5');
    } finally {
      await client.end();
    }
  });

  it('parse the text form exactly', () => {
    expect(parseInt8('0')).toBe(0);
    expect(parseInt8('-42')).toBe(-42);
    expect(() => parseInt8('-9007199254740992')).toThrow(RangeError);
  });
});
