import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '../ids.js';
import { projectPath } from '../paths.js';
import { newClient } from './database.js';

export const MIGRATIONS_DIR = projectPath('migrations');

export interface MigrationResult { applied: string[]; skipped: number }

/**
 * Applies numbered SQL files in order, each in its own transaction, under an advisory lock so two
 * starting processes never race. An applied file whose text changed stops everything: history is
 * fixed with a new migration, never by editing an old one.
 */
export async function migrate(connectionString: string, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const client = newClient(connectionString);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7471001)');
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    const files = fs.readdirSync(dir).filter((f) => /^\d{3,}_.+\.sql$/.test(f)).sort();
    for (const name of done.keys()) {
      if (!files.includes(name)) throw new Error(`migration ${name} was applied but its file is missing`);
    }
    const applied: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const checksum = sha256(text);
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(`migration ${file} was edited after it was applied (checksum ${previous.slice(0, 12)} → ${checksum.slice(0, 12)}); add a new migration instead`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(text);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
      applied.push(file);
    }
    return { applied, skipped: files.length - applied.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock(7471001)').catch(() => undefined);
    await client.end();
  }
}
