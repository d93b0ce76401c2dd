import type { Command } from 'commander';
import { createSiyu } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { formatYuan } from '../platform/money.js';
import { homeTenant } from '../modules/identity/identity.service.js';
import type { ReportDetail } from '../modules/reconciliation/reconciliation.schema.js';
import type { Database } from '../database.js';

const KIND_TEXT = { missing_here: 'missing here (in the bill, not ours)', missing_there: 'missing there (ours, not in the bill)', amount_mismatch: 'amount mismatch', status_mismatch: 'status mismatch' } as const;

export function printReport(report: ReportDetail, log: (line: string) => void = console.log): void {
  const y = (fen: number | null) => (fen === null ? '-' : formatYuan(fen));
  log(`WeChat Pay reconciliation for ${report.bill_date}: ${report.status}${report.error ? ` (${report.error})` : ''}`);
  log(`  bill      ${String(report.bill_payments).padStart(5)} payments ${y(report.bill_payment_total).padStart(14)}   ${String(report.bill_refunds).padStart(5)} refunds ${y(report.bill_refund_total).padStart(14)}`);
  log(`  ours      ${String(report.our_payments).padStart(5)} payments ${y(report.our_payment_total).padStart(14)}   ${String(report.our_refunds).padStart(5)} refunds ${y(report.our_refund_total).padStart(14)}`);
  if (report.fund_income_total !== null) log(`  fund flow income ${y(report.fund_income_total)}, outgoing ${y(report.fund_outgoing_total)}`);
  for (const d of report.items) {
    log(`  ${KIND_TEXT[d.kind].padEnd(38)} ${d.entry.padEnd(7)} ${d.reference.padEnd(32)} bill ${y(d.bill_amount).padStart(12)} ${d.bill_status ?? ''}  ours ${y(d.our_amount).padStart(12)} ${d.our_status ?? ''}`);
  }
}

/**
 * `siyu reconcile wechatpay --tenant SLUG --date YYYY-MM-DD [--json]`: fetches the day's trade and
 * fund-flow bills now (in the sandbox, from this server's simulator, through the app in-process),
 * stores the report as the morning job would, and prints it. Exit code 2 when the bill and our
 * records differ, 1 when the bill could not be reconciled.
 */
export function registerReconcileCommands(program: Command) {
  const reconcile = program.command('reconcile').description('reconcile payments and refunds against a provider\'s daily bills');
  reconcile.command('wechatpay')
    .description('download and check WeChat Pay\'s trade and fund-flow bills of one day (Beijing time) against our payments and refunds')
    .requiredOption('--tenant <slug>', 'the tenant')
    .requiredOption('--date <YYYY-MM-DD>', 'the bill day')
    .option('--json', 'one JSON object: the stored report with its differences')
    .action(async (opts: { tenant: string; date: string; json?: boolean }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) {
        console.error('--date must be YYYY-MM-DD');
        process.exitCode = 1;
        return;
      }
      const config = loadConfig();
      const opened = await openDatabase<Database>(config);
      try {
        const tenant = await homeTenant(opened.db, opts.tenant, opts.tenant);
        if (!tenant) {
          console.error(`no tenant ${opts.tenant}`);
          process.exitCode = 1;
          return;
        }
        const siyu = await createSiyu(opened.db, config, { wechatpayInject: config.mode === 'sandbox' });
        try {
          await siyu.server.ready();
          const report = await siyu.reconcileWechatpay(tenant.id, opts.date);
          if (opts.json) console.log(JSON.stringify(report));
          else printReport(report);
          process.exitCode = report.status === 'failed' ? 1 : report.status === 'differences' ? 2 : 0;
        } finally {
          await siyu.server.close();
        }
      } finally {
        await opened.close();
      }
    });
}
