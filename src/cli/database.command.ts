import type { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { seedDemo } from './seed/demo-seed.js';
import { sealStoredPhones } from './seal-phones.js';
import type { Database } from '../database.js';

/** `siyu migrate` and `siyu seed`: work on the same database whether or not the server runs. */
export function registerDatabaseCommands(program: Command) {
  program.command('migrate')
    .description('apply pending SQL migrations (refuses if an applied file was edited)')
    .action(async () => {
      const config = loadConfig();
      const opened = await openDatabase<Database>(config);
      await sealStoredPhones(opened.db, config.secretKey);
      console.log(`migrations up to date (${opened.embedded ? 'embedded database' : 'DATABASE_URL'})`);
      await opened.close();
    });

  program.command('seed')
    .description('load data into the database')
    .option('--demo', 'the demo tenant: 2 suppliers, 60 SKUs, 5 B nodes, 200 customers, 2,000 orders over 90 days')
    .action(async (opts: { demo?: boolean }) => {
      if (!opts.demo) throw new Error('nothing to seed: pass --demo');
      const config = loadConfig();
      const opened = await openDatabase<Database>(config);
      try {
        const summary = await seedDemo(opened.db, { progress: process.stderr.isTTY, phoneKey: config.secretKey, ...(config.mode === 'sandbox' ? { secretKey: config.secretKey } : {}) });
        console.log(summary.created ? `demo tenant seeded: ${summary.counts}` : 'demo tenant already present; nothing changed');
      } finally {
        await opened.close();
      }
    });
}
