import { sql } from 'kysely';
import type { Tx } from '../platform/db/database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { orderError } from '../modules/orders/orders.errors.js';
import { orderRepo } from '../modules/orders/orders.repo.js';
import { visibleOrder } from '../modules/orders/orders.service.js';
import type { RefundInput } from '../modules/orders/orders.schema.js';
import { paymentRepo } from '../modules/payments/payments.repo.js';
import { startRefund } from '../modules/payments/payments.service.js';
import { recordOrderEconomics } from '../modules/economics/order-economics.service.js';

const REFUNDABLE = new Set(['paid', 'ready_for_pickup', 'completed', 'partially_refunded']);

/**
 * Refunds an order in full (no lines given) or by line and quantity. Goods not yet shipped go back
 * to stock in the same transaction; money goes back through the provider via the outbox.
 * The last unit of a line refunds whatever is left of what was paid for it, so parts always sum
 * to the whole.
 */
export async function refundOrder(tx: Tx, clock: Clock, actor: Actor, orderId: string, input: RefundInput, customerId?: string) {
  await visibleOrder(tx, actor, orderId, customerId);
  const order = (await orderRepo.lockOrder(tx, actor.tenantId, orderId))!;
  if (!REFUNDABLE.has(order.status)) throw orderError(order.status === 'refunded' ? 'nothing_to_refund' : 'order_not_refundable', { order_status: order.status });
  const lines = await orderRepo.lines(tx, actor.tenantId, orderId);
  const byNo = new Map(lines.map((l) => [l.line_no, l]));

  const asked = input.lines ?? lines.filter((l) => l.refunded_quantity < l.quantity).map((l) => ({ line_no: l.line_no, quantity: l.quantity - l.refunded_quantity }));
  const perLine = new Map<number, number>();
  for (const a of asked) perLine.set(a.line_no, (perLine.get(a.line_no) ?? 0) + a.quantity);
  if (perLine.size === 0) throw orderError('nothing_to_refund');

  const parts = [...perLine].map(([lineNo, quantity]) => {
    const line = byNo.get(lineNo);
    if (!line) throw orderError('unknown_order_line', { line_no: lineNo });
    const left = line.quantity - line.refunded_quantity;
    if (quantity > left) throw orderError('refund_exceeds_order', { line_no: lineNo, asked: quantity, refundable: left });
    // What the buyer paid for the line (its share of any discount taken off), refunded pro rata;
    // the last unit takes whatever is left.
    const net = line.line_total - line.discount;
    const amount = quantity === left ? net - line.refunded_amount : Math.floor((net * quantity) / line.quantity);
    return { line_no: lineNo, sku_id: line.sku_id, quantity, amount };
  });
  const amount = parts.reduce((a, p) => a + p.amount, 0);

  await sql`
    UPDATE order_lines l SET refunded_quantity = l.refunded_quantity + p.qty, refunded_amount = l.refunded_amount + p.amount
      FROM unnest(${parts.map((p) => p.line_no)}::int[], ${parts.map((p) => p.quantity)}::int[], ${parts.map((p) => p.amount)}::bigint[]) AS p(line_no, qty, amount)
     WHERE l.tenant_id = ${actor.tenantId} AND l.order_id = ${orderId} AND l.line_no = p.line_no`.execute(tx);

  const fully = lines.every((l) => l.refunded_quantity + (perLine.get(l.line_no) ?? 0) === l.quantity);
  await orderRepo.transition(tx, actor.tenantId, orderId, fully ? 'refunded' : 'partially_refunded', {
    refunded_total: order.refunded_total + amount, ...(fully ? { closed_at: clock.now() } : {}),
  });
  const restocked = !order.shipped;
  if (restocked) await orderRepo.releasePartial(tx, actor.tenantId, orderId, parts.map((p) => ({ sku_id: p.sku_id, quantity: p.quantity })));

  const payment = await paymentRepo.succeededPaymentOf(tx, actor.tenantId, orderId);
  if (!payment) throw orderError('order_not_refundable');
  await recordOrderEconomics(tx, actor.tenantId, [orderId]);
  return startRefund(tx, { tenantId: actor.tenantId, orderId, paymentId: payment.id, amount, reason: input.reason, restocked, lines: parts, createdBy: actor.userId });
}
