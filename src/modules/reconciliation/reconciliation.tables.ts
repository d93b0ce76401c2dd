import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { DifferenceKind, EntryKind } from './reconciliation.match.js';

export type ReportStatus = 'matched' | 'differences' | 'failed';

export interface ReconciliationReportsTable {
  tenant_id: string; id: string; provider: string; bill_date: string | Date; status: ReportStatus; error: string | null;
  bill_payments: number; bill_payment_total: Fen; bill_refunds: number; bill_refund_total: Fen;
  our_payments: number; our_payment_total: Fen; our_refunds: number; our_refund_total: Fen;
  fund_income_total: Fen | null; fund_outgoing_total: Fen | null; differences: number;
  created_at: Generated<Date>;
}

export interface ReconciliationDifferencesTable {
  tenant_id: string; report_id: string; seq: number; kind: DifferenceKind; entry: EntryKind; reference: string; provider_ref: string | null;
  bill_amount: Fen | null; our_amount: Fen | null; bill_status: string | null; our_status: string | null;
}

export interface ReconciliationTables { reconciliation_reports: ReconciliationReportsTable; reconciliation_differences: ReconciliationDifferencesTable }
