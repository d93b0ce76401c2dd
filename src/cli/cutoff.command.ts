import type { Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { systemClock } from '../platform/clock.js';
import { homeTenant } from '../modules/identity/identity.service.js';
import { runCutoff } from '../flows/cutoff.flow.js';
import type { Database } from '../database.js';

/**
 * `siyu cutoff run --tenant SLUG --window ID [--json]`: cuts a sales window off now, as the job at
 * its cutoff time and the console's button do. A window already cut off changes nothing.
 */
export function registerCutoffCommands(program: Command) {
  const cutoff = program.command('cutoff').description('sales-window cutoffs: paid demand into purchase orders and pick lists');
  cutoff.command('run')
    .description('cut a sales window off now (idempotent: a window already cut off is left as it is)')
    .requiredOption('--tenant <slug>', 'the tenant')
    .requiredOption('--window <id>', 'the sales window')
    .option('--json', 'print the result as one JSON object')
    .action(async (opts: { tenant: string; window: string; json?: boolean }) => {
      const config = loadConfig();
      const opened = await openDatabase<Database>(config);
      try {
        const tenant = await homeTenant(opened.db, opts.tenant, opts.tenant);
        if (!tenant) {
          console.error(`no tenant ${opts.tenant}`);
          process.exitCode = 1;
          return;
        }
        const result = await runCutoff(opened.db, systemClock, tenant.id, opts.window);
        if (opts.json) console.log(JSON.stringify(result));
        else if (!result.ran) console.log(`window ${opts.window} was already cut off at ${result.window.closed_at?.toString() ?? '?'}: nothing changed`);
        else console.log(`window ${opts.window} cut off: ${result.orders} orders → ${result.purchase_orders} purchase orders, ${result.pick_lists} pick lists${result.next_window_id ? `; next window ${result.next_window_id}` : ''}`);
      } catch (err) {
        console.error(err instanceof Error ? err.message : err);
        process.exitCode = 1;
      } finally {
        await opened.close();
      }
    });
}
