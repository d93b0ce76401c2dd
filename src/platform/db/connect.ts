import pg from 'pg';
import type { Config } from '../config.js';
import { createDb, newClient, SERVER_POOL_MAX, type Db, type PlatformTables } from './database.js';
import { startEmbedded } from './embedded.js';
import { migrate } from './migrate.js';

export interface OpenDatabase<DB = PlatformTables> { db: Db<DB>; url: string; embedded: boolean; close(): Promise<void> }

/**
 * DATABASE_URL when set; otherwise the embedded server under the data directory (joined if a
 * running `siyu start` already owns it). Migrations are applied either way.
 */
export async function openDatabase<DB = PlatformTables>(config: Config, options: { fresh?: boolean; poolMax?: number; log?: (m: string) => void } = {}): Promise<OpenDatabase<DB>> {
  let url = config.databaseUrl;
  let stop = async () => {};
  if (!url) {
    const server = await startEmbedded({ dataDir: config.dataDir, fresh: options.fresh ?? false, ...(options.log ? { log: options.log } : {}) });
    await ensureDatabase(server.url('postgres'), 'siyu');
    url = server.url('siyu');
    if (server.owned) stop = () => server.stop();
  }
  await migrate(url);
  const db = createDb<DB>(url, { max: options.poolMax ?? SERVER_POOL_MAX });
  return { db, url, embedded: !config.databaseUrl, close: async () => { await db.destroy(); await stop(); } };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = newClient(adminUrl);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = newClient(adminUrl);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
