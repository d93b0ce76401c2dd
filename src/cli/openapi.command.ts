import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { createDb } from '../platform/db/database.js';
import { createSiyu } from '../app.js';
import type { Database } from '../database.js';

/**
 * The OpenAPI document of every route, built without a database or a listening server: the pool
 * is created but never connected, since registering routes runs no query.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const db = createDb<Database>('postgres://openapi@127.0.0.1:1/unused', { max: 1, prepare: false });
  try {
    const siyu = await createSiyu(db, loadConfig({}));
    await siyu.server.ready();
    const document = siyu.server.swagger() as unknown as Record<string, unknown>;
    await siyu.server.close();
    return document;
  } finally {
    await db.destroy();
  }
}

export function registerOpenApiCommand(program: Command) {
  program.command('openapi')
    .description('print the OpenAPI document of the HTTP API (no database or server needed)')
    .option('--out <file>', 'write it to a file instead')
    .action(async (opts: { out?: string }) => {
      const text = `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`;
      if (!opts.out) return void process.stdout.write(text);
      await fs.mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
      await fs.writeFile(opts.out, text);
    });
}
