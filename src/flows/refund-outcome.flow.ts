import type { Tx } from '../database.js';
import { retakeCoupons } from '../modules/coupons/coupons.service.js';
import type { Clock } from '../platform/clock.js';
import { lockOrder, removeLineRefunds, reverseRefundStatus } from '../modules/orders/orders.service.js';
import type { ReversedStatus } from '../modules/orders/orders.states.js';
import { holdAgain } from '../modules/inventory/inventory.service.js';
import type { SettledRefund } from '../modules/payments/payments.service.js';
import { raiseRefundFailure, settleRequestOfRefund } from '../modules/after-sales/after-sales.service.js';
import { recordOrderEconomics } from '../modules/economics/order-economics.service.js';
import { queueOrderMessage } from '../modules/subscribe-messages/subscribe-messages.service.js';

interface RefundPart { line_no: number; sku_id: string; quantity: number; amount: number }

/**
 * What a refund's outcome does beyond the payment: a success closes the request that asked for it
 * and asks for the buyer's "refund done" subscribe message;
 * a failure puts the order back to what was really refunded and raises it for staff to act on.
 */
export function refundOutcome(clock: Clock) {
  return async (tx: Tx, refund: SettledRefund): Promise<void> => {
    const now = clock.now();
    if (refund.outcome === 'succeeded') {
      await settleRequestOfRefund(tx, refund.tenant_id, refund.id, 'refunded', now);
      await queueOrderMessage(tx, clock, refund.tenant_id, { event: 'refund_done', orderId: refund.order_id, subjectId: refund.id });
      return;
    }
    if (refund.outcome === 'abnormal') {
      // Not final (WeChat Pay's ABNORMAL): nothing is put back; staff are asked to act.
      const order = (await lockOrder(tx, refund.tenant_id, refund.order_id))!;
      await raiseRefundFailure(tx, { tenantId: refund.tenant_id, orderId: refund.order_id, bNodeId: order.b_node_id, refundId: refund.id, requestId: null, amount: refund.amount, details: { provider_status: 'ABNORMAL' }, kind: 'refund_abnormal' });
      return;
    }
    const details = await reverseFailedRefund(tx, refund);
    const requestId = await settleRequestOfRefund(tx, refund.tenant_id, refund.id, 'failed', now);
    await raiseRefundFailure(tx, { tenantId: refund.tenant_id, orderId: refund.order_id, bNodeId: details.b_node_id, refundId: refund.id, requestId: requestId ?? null, amount: refund.amount, details: details.put_back });
  };
}

/**
 * The money never left, so the order must not say it did: the refunded quantities and amounts come
 * off its lines and total, and it leaves (partially) refunded for where its goods are — partially
 * refunded while other refunds stand, otherwise paid, ready for pickup or completed. An order that
 * moved on since (made ready, picked up) keeps that status. Units the refund had put back in stock
 * are held for the order again: the buyer still owns them. When they were sold meanwhile, or the
 * order shipped without them, that is said in the details for staff to sort out.
 * A refund that named no lines (a duplicate or late payment given back) never touched the order.
 */
async function reverseFailedRefund(tx: Tx, refund: SettledRefund) {
  const order = (await lockOrder(tx, refund.tenant_id, refund.order_id))!;
  const parts = (refund.lines ?? []) as RefundPart[];
  if (parts.length === 0) return { b_node_id: order.b_node_id, put_back: { order_untouched: true, order_status: order.status } };

  await removeLineRefunds(tx, refund.tenant_id, order.id, parts);
  const refundedTotal = order.refunded_total - refund.amount;
  const progress: ReversedStatus = order.picked_up_at ? 'completed' : order.shipped ? 'ready_for_pickup' : 'paid';
  const refundedState = order.status === 'refunded' || order.status === 'partially_refunded';
  const to: ReversedStatus = !refundedState ? (order.status as ReversedStatus) : refundedTotal > 0 ? 'partially_refunded' : progress;
  await reverseRefundStatus(tx, refund.tenant_id, order.id, to, { refunded_total: refundedTotal, closed_at: order.picked_up_at ?? null });

  let stock: 'not_restocked' | 'held_again' | 'stock_short' | 'shipped_since' = 'not_restocked';
  if (refund.restocked) {
    if (order.shipped) stock = 'shipped_since';
    else stock = (await holdAgain(tx, refund.tenant_id, order.id, parts.map((p) => ({ sku_id: p.sku_id, quantity: p.quantity })))) ? 'held_again' : 'stock_short';
  }
  // A full refund had given the order's coupons back; the order stands again, so it takes them
  // again when they are still unused and their budgets allow (else staff are told).
  const coupons = order.status === 'refunded' ? ((await retakeCoupons(tx, refund.tenant_id, order.id)) ? 'taken_again' : 'not_available') : 'unchanged';
  await recordOrderEconomics(tx, refund.tenant_id, [order.id]);
  return {
    b_node_id: order.b_node_id,
    put_back: { order_status_before: order.status, order_status_after: to, refunded_total_after: refundedTotal, lines: parts.map((p) => [p.line_no, p.quantity]), stock, coupons },
  };
}
