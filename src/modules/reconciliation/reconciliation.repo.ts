import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import type { Difference, MatchTotals } from './reconciliation.match.js';
import type { ReportStatus } from './reconciliation.tables.js';

const REPORT_COLUMNS = [
  'id', 'provider', 'status', 'error', 'bill_payments', 'bill_payment_total', 'bill_refunds', 'bill_refund_total',
  'our_payments', 'our_payment_total', 'our_refunds', 'our_refund_total', 'fund_income_total', 'fund_outgoing_total', 'differences', 'created_at',
] as const;

export interface ReportRow extends MatchTotals { tenant_id: string; id: string; provider: string; bill_date: string; status: ReportStatus; error: string | null; fund_income_total: number | null; fund_outgoing_total: number | null; differences: number }

export const reconciliationRepo = {
  /** A re-run of the same day replaces the report and its differences (one row per tenant, provider, day). */
  async replaceReport(db: Conn, row: ReportRow, differences: Difference[]) {
    await db.deleteFrom('reconciliation_reports').where('tenant_id', '=', row.tenant_id).where('provider', '=', row.provider).where('bill_date', '=', row.bill_date).execute();
    await db.insertInto('reconciliation_reports').values(row).execute();
    if (differences.length > 0) {
      await db.insertInto('reconciliation_differences')
        .values(differences.map((d, i) => ({ tenant_id: row.tenant_id, report_id: row.id, seq: i + 1, ...d }))).execute();
    }
  },

  list: (db: Conn, tenantId: string, limit: number) =>
    db.selectFrom('reconciliation_reports').select([...REPORT_COLUMNS, sql<string>`to_char(bill_date, 'YYYY-MM-DD')`.as('bill_date')])
      .where('tenant_id', '=', tenantId).orderBy('bill_date', 'desc').orderBy('provider').limit(limit).execute(),

  byId: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('reconciliation_reports').select([...REPORT_COLUMNS, sql<string>`to_char(bill_date, 'YYYY-MM-DD')`.as('bill_date')])
      .where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

  byDate: (db: Conn, tenantId: string, provider: string, date: string) =>
    db.selectFrom('reconciliation_reports').select('id').where('tenant_id', '=', tenantId).where('provider', '=', provider).where('bill_date', '=', date).executeTakeFirst(),

  differencesOf: (db: Conn, tenantId: string, reportId: string) =>
    db.selectFrom('reconciliation_differences').select(['kind', 'entry', 'reference', 'provider_ref', 'bill_amount', 'our_amount', 'bill_status', 'our_status'])
      .where('tenant_id', '=', tenantId).where('report_id', '=', reportId).orderBy('seq').execute(),
};
