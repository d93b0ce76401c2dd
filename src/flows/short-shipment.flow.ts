import type { Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { confirmQuantities, recordShortShipment, type ShortfallLine } from '../modules/fulfilment/fulfilment.service.js';
import type { ConfirmPurchaseOrderInput } from '../modules/fulfilment/fulfilment.schema.js';
import { lineRefundAmount, refundOrder } from './refund.flow.js';

/**
 * A supplier confirms what a purchase order will ship. Whatever falls short of the buyers' demand is
 * refunded to them, latest payers first: for each short SKU the window's order lines at that
 * warehouse are taken in order of payment time, newest first (ties broken by order id, then line
 * number, both descending), each giving up as many units as it holds until the shortfall is
 * covered. So the buyers who committed earliest are the ones served, and the same confirmation
 * always refunds the same lines.
 *
 * Each affected order is refunded through the refund flow, as staff would by line and quantity:
 * unshipped units go back to stock, the order's economics are recomputed, a commission already
 * split comes back, and the money returns through the payment provider by its job. Every refunded
 * unit is worth what the buyer paid for it (its share of any discount taken off), so the refunds
 * add up to the value not shipped.
 */
export async function confirmPurchaseOrder(tx: Tx, clock: Clock, actor: Actor, purchaseOrderId: string, input: ConfirmPurchaseOrderInput) {
  const { shortfall } = await confirmQuantities(tx, clock, actor, purchaseOrderId, input);
  const byOrder = new Map<string, ShortfallLine[]>();
  for (const line of shortfall) byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), line]);
  // The refund is the tenant's, made on the supplier's word: it runs with the tenant's reach (a
  // supplier may not see orders), recorded under the confirming user.
  const tenant: Actor = { tenantId: actor.tenantId, userId: actor.userId, role: 'tenant_admin', bNodeId: null, supplierId: null };
  const refunded: { order_id: string; line_no: number; sku_id: string; quantity: number; amount: number; refund_id: string }[] = [];
  for (const [orderId, lines] of byOrder) {
    const refund = await refundOrder(tx, clock, tenant, orderId, { lines: lines.map((l) => ({ line_no: l.line_no, quantity: l.quantity })), reason: 'short_shipment' });
    for (const l of lines) {
      const amount = lineRefundAmount({ quantity: l.line_quantity, refunded_quantity: l.line_quantity - l.qty_left, refunded_amount: l.refunded_amount, line_total: l.line_total, discount: l.discount }, l.quantity);
      refunded.push({ order_id: orderId, line_no: l.line_no, sku_id: l.sku_id, quantity: l.quantity, amount, refund_id: refund.id });
    }
  }
  await recordShortShipment(tx, actor, purchaseOrderId, refunded);
  return { short_units: refunded.reduce((a, r) => a + r.quantity, 0), short_amount: refunded.reduce((a, r) => a + r.amount, 0), refunds: byOrder.size };
}
