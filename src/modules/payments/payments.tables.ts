import type { Generated } from 'kysely';
import type { PaymentStatus, RefundStatus } from './payments.states.js';
import type { Fen } from '../../platform/money.js';

export interface PaymentsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  provider: string;
  amount: Fen;
  status: PaymentStatus;
  refunded_amount: Generated<Fen>;
  provider_trade_no: string | null;
  created_at: Generated<Date>;
  succeeded_at: Date | null;
}

export interface PaymentEventsTable {
  tenant_id: string;
  provider: string;
  event_id: string;
  payment_id: string;
  event_type: string;
  raw: unknown;
  outcome: string;
  received_at: Generated<Date>;
}

export interface RefundsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  payment_id: string;
  amount: Fen;
  status: RefundStatus;
  reason: Generated<string>;
  restocked: boolean;
  lines: unknown;
  created_by: string | null;
  created_at: Generated<Date>;
  settled_at: Date | null;
}

/** Nonces of signed notifications inside the acceptance window, with the message each came with. */
export interface PaymentNotificationNoncesTable {
  tenant_id: string;
  provider: string;
  nonce: string;
  fingerprint: string;
  signed_at: Date;
  received_at: Generated<Date>;
}

export interface PaymentTables { payments: PaymentsTable; payment_events: PaymentEventsTable; refunds: RefundsTable; payment_notification_nonces: PaymentNotificationNoncesTable }
