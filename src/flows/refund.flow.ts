import type { Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { orderError } from '../modules/orders/orders.errors.js';
import { addLineRefunds, lockVisibleOrder, orderLines, transitionOrder } from '../modules/orders/orders.service.js';
import { releasePartial } from '../modules/inventory/inventory.service.js';
import type { RefundInput } from '../modules/orders/orders.schema.js';
import { refundablePaymentOf, startRefund } from '../modules/payments/payments.service.js';
import { recordOrderEconomics } from '../modules/economics/order-economics.service.js';
import { returnAfterRefund } from '../modules/profit-sharing/profit-sharing.service.js';
import { returnCoupons } from '../modules/coupons/coupons.service.js';
import { uncountRefunded } from '../modules/referrals/referrals.service.js';
import { recordOrderRefunded } from '../modules/crm/crm.service.js';
import { allocate } from '../platform/money.js';
import { groupMemberRefunded } from '../modules/group-buys/group-buys.service.js';

export const REFUNDABLE = new Set(['paid', 'ready_for_pickup', 'completed', 'partially_refunded']);

/**
 * What `quantity` more units of a line refund: what the buyer paid for the line (its share of any
 * discount taken off), pro rata; the last unit takes whatever is left, so parts sum to the whole.
 */
export function lineRefundAmount(line: { quantity: number; refunded_quantity: number; refunded_amount: number; line_total: number; discount: number }, quantity: number) {
  const left = line.quantity - line.refunded_quantity;
  const net = line.line_total - line.discount;
  return quantity === left ? net - line.refunded_amount : Math.floor((net * quantity) / line.quantity);
}

/**
 * Refunds an order in full (no lines given) or by line and quantity. Goods not yet shipped go back
 * to stock in the same transaction; money goes back through the provider via the outbox.
 * The last unit of a line refunds whatever is left of what was paid for it, so parts always sum
 * to the whole.
 */
export async function refundOrder(tx: Tx, clock: Clock, actor: Actor, orderId: string, input: RefundInput, customerId?: string) {
  const order = await lockVisibleOrder(tx, actor, orderId, customerId);
  if (!REFUNDABLE.has(order.status)) throw orderError(order.status === 'refunded' ? 'nothing_to_refund' : 'order_not_refundable', { order_status: order.status });
  const lines = await orderLines(tx, actor.tenantId, orderId);
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
    return { line_no: lineNo, sku_id: line.sku_id, quantity, amount: lineRefundAmount(line, quantity) };
  });
  const amount = parts.reduce((a, p) => a + p.amount, 0);

  await addLineRefunds(tx, actor.tenantId, orderId, parts);

  const fully = lines.every((l) => l.refunded_quantity + (perLine.get(l.line_no) ?? 0) === l.quantity);
  await transitionOrder(tx, actor.tenantId, orderId, fully ? 'refunded' : 'partially_refunded', {
    refunded_total: order.refunded_total + amount, ...(fully ? { closed_at: clock.now() } : {}),
  });
  // A full refund gives the order's coupons back to the buyer's wallet and budgets, once (the
  // transition to refunded happens once). A partial refund keeps them used: the lines kept still
  // carry their share of the discount, and a coupon cannot be split.
  if (fully) {
    await returnCoupons(tx, actor.tenantId, [orderId], clock.now());
    // A first order refunded in full no longer counts toward its inviter's referral task.
    await uncountRefunded(tx, actor.tenantId, orderId);
    // A paid group member refunded in full leaves a group still forming (its slot freed) or is
    // counted among a formed group's withdrawn members; a failed group's members are already refunded.
    await groupMemberRefunded(tx, actor.tenantId, orderId);
  }
  const restocked = !order.shipped;
  if (restocked) await releasePartial(tx, actor.tenantId, orderId, parts.map((p) => ({ sku_id: p.sku_id, quantity: p.quantity })));

  const payment = await refundablePaymentOf(tx, actor.tenantId, orderId);
  if (!payment) throw orderError('order_not_refundable');
  await recordOrderEconomics(tx, actor.tenantId, [orderId]);
  // A commission already paid out through profit sharing comes back with the refund.
  await returnAfterRefund(tx, actor.tenantId, orderId);
  const refund = await startRefund(tx, { tenantId: actor.tenantId, orderId, paymentId: payment.id, amount, reason: input.reason, restocked, lines: parts, createdBy: actor.userId });
  await recordOrderRefunded(tx, actor.tenantId, orderId, refund.id, amount, clock.now());
  return refund;
}

/**
 * Gives back part of what the buyer paid without any goods coming back — a ladder group settled at
 * a lower tier price than the buyer paid. The amount is split over the lines by what is left of
 * each (largest remainder), recorded as refunded amounts with no refunded quantity, so a later
 * refund of the goods returns only what is still paid for them. The order stays to be fulfilled
 * (partially refunded); the money goes back through the provider via the outbox.
 */
export async function refundPriceDifference(tx: Tx, clock: Clock, actor: Actor, orderId: string, amount: number, reason: string) {
  const order = await lockVisibleOrder(tx, actor, orderId);
  if (!REFUNDABLE.has(order.status)) throw orderError('order_not_refundable', { order_status: order.status });
  const lines = await orderLines(tx, actor.tenantId, orderId);
  const left = lines.map((l) => Math.max(0, l.line_total - l.discount - l.refunded_amount));
  if (amount <= 0 || amount >= left.reduce((a, b) => a + b, 0)) throw orderError('refund_exceeds_order', { asked_amount: amount });
  const split = allocate(amount, left);
  const parts = lines.map((l, i) => ({ line_no: l.line_no, sku_id: l.sku_id, quantity: 0, amount: split[i]! })).filter((p) => p.amount > 0);
  await addLineRefunds(tx, actor.tenantId, orderId, parts);
  await transitionOrder(tx, actor.tenantId, orderId, 'partially_refunded', { refunded_total: order.refunded_total + amount });
  const payment = await refundablePaymentOf(tx, actor.tenantId, orderId);
  if (!payment) throw orderError('order_not_refundable');
  await recordOrderEconomics(tx, actor.tenantId, [orderId]);
  await returnAfterRefund(tx, actor.tenantId, orderId);
  const refund = await startRefund(tx, { tenantId: actor.tenantId, orderId, paymentId: payment.id, amount, reason, restocked: false, lines: parts, createdBy: actor.userId });
  await recordOrderRefunded(tx, actor.tenantId, orderId, refund.id, amount, clock.now());
  return refund;
}
