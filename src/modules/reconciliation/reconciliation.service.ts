import type { Conn, Db } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { moneyMovementsForReconciliation, wechatpayTenants } from '../payments/payments.fragments.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { reconciliationError } from './reconciliation.errors.js';
import { matchStatement, type OurEntry, type SettledStatus, type StatementEntry } from './reconciliation.match.js';
import { reconciliationRepo } from './reconciliation.repo.js';
import type { Report, ReportDetail } from './reconciliation.schema.js';

export type { StatementEntry } from './reconciliation.match.js';

/** What a provider's bills say about one day, already in our vocabulary (the adapter's work). */
export interface ProviderStatement {
  entries: StatementEntry[];
  /** The fund-flow bill's totals, when it was fetched. */
  fund?: { incomeFen: number; outgoingFen: number } | undefined;
}

/** WeChat Pay's bill days are Beijing days, whatever the tenant's own time zone. */
export const BILL_TIME_ZONE_OFFSET = '+08:00';

export function billDayBounds(date: string): { from: Date; to: Date } {
  const from = new Date(`${date}T00:00:00${BILL_TIME_ZONE_OFFSET}`);
  if (Number.isNaN(from.getTime())) throw reconciliationError('bill_date_invalid', { date });
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** The bill day before `now`'s Beijing day: what a morning run reconciles. */
export function previousBillDay(now: Date): string {
  const beijing = new Date(now.getTime() + 8 * 3_600_000);
  return new Date(beijing.getTime() - 86_400_000).toISOString().slice(0, 10);
}

const ourPaymentStatus = (s: string): SettledStatus => (s === 'succeeded' || s === 'partially_refunded' || s === 'refunded' ? 'succeeded' : s === 'failed' ? 'failed' : 'pending');
const ourRefundStatus = (s: string): SettledStatus => (s === 'succeeded' ? 'succeeded' : s === 'failed' ? 'failed' : 'pending');

/**
 * Matches a day's statement against our payments and refunds and stores the report (replacing an
 * earlier run of the same day), in one transaction: two reads and a few writes whatever the size.
 */
export async function recordReconciliation(db: Db, tenantId: string, provider: string, date: string, statement: ProviderStatement): Promise<ReportDetail> {
  const { from, to } = billDayBounds(date);
  return inTransaction(db, async (tx) => {
    const refs = (entry: 'payment' | 'refund') => statement.entries.filter((e) => e.entry === entry).map((e) => e.reference);
    const movements = await tx.selectFrom(moneyMovementsForReconciliation(tenantId, provider, from, to, refs('payment'), refs('refund')).as('m'))
      .selectAll().execute();
    const ours: OurEntry[] = movements.map((m) => ({
      entry: m.entry, reference: m.reference, providerRef: m.provider_ref, amount: Number(m.amount), ourStatus: m.status, inDay: m.in_day,
      status: m.entry === 'payment' ? ourPaymentStatus(m.status) : ourRefundStatus(m.status),
    }));
    const { differences, totals } = matchStatement(statement.entries, ours);
    const id = newId('rec');
    await reconciliationRepo.replaceReport(tx, {
      tenant_id: tenantId, id, provider, bill_date: date, status: differences.length === 0 ? 'matched' : 'differences', error: null, ...totals,
      fund_income_total: statement.fund?.incomeFen ?? null, fund_outgoing_total: statement.fund?.outgoingFen ?? null, differences: differences.length,
    }, differences);
    return (await reportDetail(tx, tenantId, id))!;
  });
}

/** A day whose bill could not be reconciled (refused download, no bill): stored so admins see it. */
export async function recordFailedReconciliation(db: Db, tenantId: string, provider: string, date: string, error: string): Promise<ReportDetail> {
  billDayBounds(date);
  return inTransaction(db, async (tx) => {
    const id = newId('rec');
    await reconciliationRepo.replaceReport(tx, {
      tenant_id: tenantId, id, provider, bill_date: date, status: 'failed', error,
      bill_payments: 0, bill_payment_total: 0, bill_refunds: 0, bill_refund_total: 0, our_payments: 0, our_payment_total: 0, our_refunds: 0, our_refund_total: 0,
      fund_income_total: null, fund_outgoing_total: null, differences: 0,
    }, []);
    return (await reportDetail(tx, tenantId, id))!;
  });
}

export async function listReports(db: Conn, tenantId: string, limit = 60): Promise<Report[]> {
  return reconciliationRepo.list(db, tenantId, limit);
}

async function reportDetail(db: Conn, tenantId: string, id: string): Promise<ReportDetail | undefined> {
  const report = await reconciliationRepo.byId(db, tenantId, id);
  if (!report) return undefined;
  return { ...report, items: await reconciliationRepo.differencesOf(db, tenantId, id) };
}

export async function getReport(db: Conn, tenantId: string, id: string): Promise<ReportDetail> {
  const report = await reportDetail(db, tenantId, id);
  if (!report) throw reconciliationError('report_not_found');
  return report;
}

export async function reportForDay(db: Conn, tenantId: string, provider: string, date: string): Promise<ReportDetail | undefined> {
  const row = await reconciliationRepo.byDate(db, tenantId, provider, date);
  return row ? reportDetail(db, tenantId, row.id) : undefined;
}

/** The job that fetches one tenant's WeChat Pay bills for a day and records the report (the provider unit handles it). */
export const RECONCILE_WECHATPAY_JOB = 'reconciliation.wechatpay';

/**
 * The morning run: one job per tenant with WeChat Pay for yesterday's bills (Beijing day), each
 * retried on its own. The queue's cron fires once per tick across processes; a second run of the
 * same day would only replace the day's report.
 */
export async function enqueueDailyReconciliations(db: Db, now: Date): Promise<number> {
  const date = previousBillDay(now);
  return inTransaction(db, async (tx) => {
    const tenants = await tx.selectFrom(wechatpayTenants().as('w')).select('w.tenant_id').execute();
    for (const t of tenants) await enqueue(tx, t.tenant_id, RECONCILE_WECHATPAY_JOB, { date });
    return tenants.length;
  });
}
