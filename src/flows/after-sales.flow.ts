import type { Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { audit } from '../platform/audit.js';
import { orderError } from '../modules/orders/orders.errors.js';
import { lockVisibleOrder, orderLines } from '../modules/orders/orders.service.js';
import type { RefundInput } from '../modules/orders/orders.schema.js';
import { afterSalesError } from '../modules/after-sales/after-sales.errors.js';
import {
  createRequest, linkRefund, lockVisibleRequest, openQuantities, resolveActionsOfRequest, settingsOf, transitionRequest, type RequestLine,
} from '../modules/after-sales/after-sales.service.js';
import { REFUNDABLE, lineRefundAmount, refundOrder } from './refund.flow.js';

const DAY_MS = 86_400_000;

/**
 * A buyer asks for lines and quantities back. Refused when the order has nothing to refund, when the
 * goods were picked up longer ago than the tenant's return window, or when more is asked than is
 * left after earlier refunds and open requests. The tenant may have requests approved at once while
 * the goods are still in the warehouse (paid, not yet ready): the refund then starts in the same
 * transaction. `directOnly`: the buyer's direct refund, allowed only where it would be approved at once.
 */
export async function askForRefund(
  tx: Tx, clock: Clock, actor: Actor, orderId: string, customerId: string,
  ask: { lines?: { line_no: number; quantity: number }[] | undefined; reason: string }, directOnly = false,
) {
  const order = await lockVisibleOrder(tx, actor, orderId, customerId);
  if (!REFUNDABLE.has(order.status)) throw orderError(order.status === 'refunded' ? 'nothing_to_refund' : 'order_not_refundable', { order_status: order.status });
  const settings = await settingsOf(tx, actor.tenantId);
  const auto = settings.auto_approve_before_ready && !order.shipped && (order.status === 'paid' || order.status === 'partially_refunded');
  if (directOnly && !auto) throw afterSalesError('refund_request_required', { order_status: order.status });
  // Orders completed before pickups were recorded count as picked up when they were closed.
  const pickedUpAt = order.picked_up_at ?? (order.status === 'completed' ? order.closed_at : null);
  if (pickedUpAt) {
    const closes = new Date(pickedUpAt.getTime() + settings.return_window_days * DAY_MS);
    // A window of 0 days: no requests at all once the goods were taken.
    if (settings.return_window_days === 0 || clock.now() > closes) throw afterSalesError('return_window_closed', { picked_up_at: pickedUpAt.toISOString(), return_window_days: settings.return_window_days });
  }

  const lines = await orderLines(tx, actor.tenantId, orderId);
  const open = await openQuantities(tx, actor.tenantId, orderId);
  const leftOf = (l: (typeof lines)[number]) => l.quantity - l.refunded_quantity - (open.get(l.line_no) ?? 0);
  const asked = ask.lines ?? lines.filter((l) => leftOf(l) > 0).map((l) => ({ line_no: l.line_no, quantity: leftOf(l) }));
  const perLine = new Map<number, number>();
  for (const a of asked) perLine.set(a.line_no, (perLine.get(a.line_no) ?? 0) + a.quantity);
  if (perLine.size === 0) throw orderError('nothing_to_refund');
  const byNo = new Map(lines.map((l) => [l.line_no, l]));
  const requestLines: RequestLine[] = [...perLine].map(([lineNo, quantity]) => {
    const line = byNo.get(lineNo);
    if (!line) throw orderError('unknown_order_line', { line_no: lineNo });
    const left = leftOf(line);
    if (quantity > left) throw orderError('refund_exceeds_order', { line_no: lineNo, asked: quantity, refundable: Math.max(0, left) });
    return { line_no: lineNo, sku_id: line.sku_id, title: line.title, quantity, amount: lineRefundAmount(line, quantity) };
  });

  const requestId = await createRequest(tx, actor, { orderId, bNodeId: order.b_node_id, customerId: order.customer_id, lines: requestLines, reason: ask.reason });
  if (!auto) return { requestId, refund: undefined };
  const refund = await approve(tx, clock, actor, { id: requestId, order_id: orderId, customer_id: order.customer_id, lines: requestLines, reason: ask.reason, status: 'requested' }, '', true);
  return { requestId, refund };
}

/** Staff, the node's owner or an admin approves: the refund starts now through the refund flow. */
export async function approveRequest(tx: Tx, clock: Clock, actor: Actor, requestId: string, note: string) {
  const request = await lockVisibleRequest(tx, actor, requestId);
  return approve(tx, clock, actor, request, note, false);
}

async function approve(
  tx: Tx, clock: Clock, actor: Actor,
  request: { id: string; order_id: string; customer_id: string; lines: RequestLine[]; reason: string; status: string }, note: string, auto: boolean,
) {
  const now = clock.now();
  await transitionRequest(tx, actor.tenantId, request.id, 'approved', { decision_note: note, decided_by: auto ? null : actor.userId, decided_at: now, auto_approved: auto });
  // A retry after a failed refund: its open item is dealt with by this approval.
  if (request.status === 'failed') await resolveActionsOfRequest(tx, actor.tenantId, request.id, actor.userId, now);
  const input: RefundInput = { lines: request.lines.map((l) => ({ line_no: l.line_no, quantity: l.quantity })), reason: request.reason };
  const refund = await refundOrder(tx, clock, actor, request.order_id, input, actor.role === 'consumer' ? request.customer_id : undefined);
  await linkRefund(tx, actor.tenantId, request.id, refund.id);
  await audit(tx, actor.tenantId, auto ? 'after_sales.auto_approved' : 'after_sales.approved', 'after_sales_request', request.id, { refund_id: refund.id, amount: refund.amount, note, retry: request.status === 'failed' }, actor.userId);
  return refund;
}

export async function rejectRequest(tx: Tx, clock: Clock, actor: Actor, requestId: string, note: string) {
  await lockVisibleRequest(tx, actor, requestId);
  const now = clock.now();
  await transitionRequest(tx, actor.tenantId, requestId, 'rejected', { decision_note: note, decided_by: actor.userId, decided_at: now, closed_at: now });
  await audit(tx, actor.tenantId, 'after_sales.rejected', 'after_sales_request', requestId, { note }, actor.userId);
}

/** The buyer withdraws a request not yet decided. */
export async function cancelRequest(tx: Tx, clock: Clock, actor: Actor, requestId: string) {
  await lockVisibleRequest(tx, actor, requestId);
  await transitionRequest(tx, actor.tenantId, requestId, 'cancelled', { closed_at: clock.now() });
  await audit(tx, actor.tenantId, 'after_sales.cancelled', 'after_sales_request', requestId, {}, actor.userId);
}
