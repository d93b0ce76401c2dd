import type { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { createSiyu } from '../app.js';
import { seedDemo, DEMO_LOGINS } from './seed/demo-seed.js';

export function registerStartCommand(program: Command) {
  program.command('start')
    .description('run the platform (embedded PostgreSQL unless DATABASE_URL is set)')
    .option('--port <port>', 'HTTP port', (v) => Number.parseInt(v, 10))
    .option('--host <host>', 'address to listen on')
    .option('--fresh', 'wipe the embedded database first')
    .option('--no-demo', 'do not seed the demo tenant into an empty database')
    .action(async (opts: { port?: number; host?: string; fresh?: boolean; demo: boolean }) => {
      const config = loadConfig();
      if (opts.fresh && config.databaseUrl) throw new Error('--fresh only resets the embedded database; it never touches DATABASE_URL');
      const opened = await openDatabase(config, { fresh: opts.fresh ?? false });
      if (opts.demo) {
        const empty = !(await opened.db.selectFrom('tenants').select('id').limit(1).executeTakeFirst());
        if (empty) {
          console.log('empty database: seeding the demo tenant…');
          const summary = await seedDemo(opened.db, { progress: process.stderr.isTTY });
          console.log(`demo tenant seeded: ${summary.counts}`);
        }
      }
      const siyu = await createSiyu(opened.db, config, { logger: { level: config.logLevel }, closeDb: () => opened.close() });
      siyu.startBackground();
      const port = opts.port ?? config.port;
      const host = opts.host ?? config.host;
      await siyu.server.listen({ port, host });
      const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
      const demoShop = await opened.db.selectFrom('shop_routes').select('slug').orderBy('slug').limit(1).executeTakeFirst();
      console.log([
        '',
        `Siyu is running (${opened.embedded ? 'embedded PostgreSQL under .siyu/' : 'DATABASE_URL'})`,
        `  admin console   ${base}/admin`,
        demoShop ? `  shop            ${base}/s/${demoShop.slug}` : '',
        `  API docs        ${base}/docs`,
        `  OpenAPI         ${base}/api/v1/openapi.json`,
        `  health          ${base}/healthz`,
        opts.demo ? `  demo logins     ${DEMO_LOGINS.map((l) => `${l.role}: tenant demo / ${l.login} / ${l.password}`).join('\n                  ')}` : '',
        '',
      ].filter(Boolean).join('\n'));
      const shutdown = async () => {
        await siyu.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
