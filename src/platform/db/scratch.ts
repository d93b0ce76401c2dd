import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import { createDb, type Db, type PlatformTables } from './database.js';
import { startEmbedded } from './embedded.js';
import { migrate } from './migrate.js';
import { dropDatabase, ensureDatabase } from './connect.js';

export interface ScratchDatabase<DB = PlatformTables> { db: Db<DB>; url: string; close(): Promise<void> }

/**
 * A throw-away migrated database for benchmarks: on the DATABASE_URL server as a uniquely named
 * database, or on a temporary embedded server. Closing removes every trace.
 */
export async function openScratchDatabase<DB = PlatformTables>(config: Config, options: { poolMax?: number; onStatement?: (sql: string) => void } = {}): Promise<ScratchDatabase<DB>> {
  const name = `siyu_scratch_${randomBytes(5).toString('hex')}`;
  let adminUrl: string;
  let stopServer = async () => {};
  let dir: string | undefined;
  if (config.databaseUrl) {
    const u = new URL(config.databaseUrl);
    u.pathname = '/postgres';
    adminUrl = u.toString();
  } else {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-scratch-'));
    fs.chmodSync(dir, 0o755);
    const server = await startEmbedded({ dataDir: dir, scratch: true, maxConnections: 300 });
    adminUrl = server.url('postgres');
    stopServer = () => server.stop();
  }
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const db = createDb<DB>(url.toString(), { max: options.poolMax ?? 40, ...(options.onStatement ? { onStatement: options.onStatement } : {}) });
  return {
    db,
    url: url.toString(),
    async close() {
      await db.destroy();
      await dropDatabase(adminUrl, name);
      await stopServer();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
