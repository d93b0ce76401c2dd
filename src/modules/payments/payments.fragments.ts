import { sql } from 'kysely';
import type { Fen } from '../../platform/money.js';

export interface MoneyMovement {
  entry: 'payment' | 'refund'; reference: string; provider_ref: string | null; amount: Fen; status: string;
  /** Settled (payment succeeded, refund succeeded) within the day asked for. */
  in_day: boolean;
}

/**
 * A provider's payments and refunds for reconciling one day, to read as a table: every one that
 * settled within [from, to), and any other the bill names by reference (our payment or refund id),
 * whatever its day or status, so a bill entry is matched to what we really recorded.
 */
export function moneyMovementsForReconciliation(tenantId: string, provider: string, from: Date, to: Date, paymentRefs: string[], refundRefs: string[]) {
  return sql<MoneyMovement>`(
    SELECT 'payment' AS entry, p.id AS reference, p.provider_trade_no AS provider_ref, p.amount, p.status,
           coalesce(p.succeeded_at >= ${from} AND p.succeeded_at < ${to}, false) AS in_day
      FROM payments p
     WHERE p.tenant_id = ${tenantId} AND p.provider = ${provider}
       AND ((p.succeeded_at >= ${from} AND p.succeeded_at < ${to}) OR p.id = ANY(${paymentRefs}::text[]))
    UNION ALL
    SELECT 'refund', r.id, p.provider_trade_no, r.amount, r.status,
           coalesce(r.status = 'succeeded' AND r.settled_at >= ${from} AND r.settled_at < ${to}, false)
      FROM refunds r
      JOIN payments p ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
     WHERE r.tenant_id = ${tenantId} AND p.provider = ${provider}
       AND ((r.status = 'succeeded' AND r.settled_at >= ${from} AND r.settled_at < ${to}) OR r.id = ANY(${refundRefs}::text[])))`;
}

/** An order's succeeded payments through one provider, with the provider's transaction id, to read as a table. */
export function settledPaymentsOfOrder(tenantId: string, orderId: string, provider: string) {
  return sql<{ id: string; amount: Fen; refunded_amount: Fen; provider_trade_no: string | null; status: string }>`(
    SELECT id, amount, refunded_amount, provider_trade_no, status FROM payments
     WHERE tenant_id = ${tenantId} AND order_id = ${orderId} AND provider = ${provider}
       AND status IN ('succeeded', 'partially_refunded', 'refunded'))`;
}

/** Tenants with WeChat Pay merchant settings, to read as a table. */
export function wechatpayTenants() {
  return sql<{ tenant_id: string }>`(SELECT tenant_id FROM wechatpay_merchants)`;
}
