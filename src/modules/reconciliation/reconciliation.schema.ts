import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';

export const billDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar day')
  .describe('a bill day, YYYY-MM-DD (Asia/Shanghai)');

export const differenceSchema = z.object({
  kind: z.enum(['missing_here', 'missing_there', 'amount_mismatch', 'status_mismatch']).describe('missing_here: in the bill, not in our records; missing_there: ours, not in the bill'),
  entry: z.enum(['payment', 'refund']),
  reference: z.string().describe('our payment id (out_trade_no) or refund id (out_refund_no)'),
  provider_ref: z.string().nullable(),
  bill_amount: money.nullable(),
  our_amount: money.nullable(),
  bill_status: z.string().nullable(),
  our_status: z.string().nullable(),
}).meta({ id: 'ReconciliationDifference' });

export const reportSchema = z.object({
  id: z.string(),
  provider: z.string(),
  bill_date: z.string(),
  status: z.enum(['matched', 'differences', 'failed']),
  error: z.string().nullable(),
  bill_payments: z.number().int(), bill_payment_total: money,
  bill_refunds: z.number().int(), bill_refund_total: money,
  our_payments: z.number().int(), our_payment_total: money,
  our_refunds: z.number().int(), our_refund_total: money,
  fund_income_total: money.nullable(), fund_outgoing_total: money.nullable(),
  differences: z.number().int(),
  created_at: timestamp,
}).meta({ id: 'ReconciliationReport' });

export const reportDetailSchema = reportSchema.extend({ items: z.array(differenceSchema) }).meta({ id: 'ReconciliationReportDetail' });

export const listReportsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(60) });
export const runReconciliationBody = z.object({ date: billDate }).strict();
export const reconciliationRunSchema = z.object({ queued: z.literal(true), date: z.string() }).meta({ id: 'ReconciliationRun' });

export type Report = z.input<typeof reportSchema>;
export type ReportDetail = z.input<typeof reportDetailSchema>;
