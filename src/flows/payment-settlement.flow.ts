import { sql } from 'kysely';
import type { Tx } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { lockOrder, transitionOrder, transitionOrders } from '../modules/orders/orders.service.js';
import { reactivateReservations, releasedReservations, reserveStock } from '../modules/inventory/inventory.service.js';
import { retakeSubsidy } from '../modules/campaigns/campaigns.service.js';
import { retakeFlashUnits } from '../modules/flash-sales/flash-sales.service.js';
import { groupOrderRevivable } from '../modules/group-buys/group-buys.service.js';
import { settleGroupPayments } from './group-settlement.flow.js';
import { retakeCoupons } from '../modules/coupons/coupons.service.js';
import { countPaidOrders } from '../modules/referrals/referrals.service.js';
import { audit } from '../platform/audit.js';
import { startRefund } from '../modules/payments/payments.service.js';
import { recordOrderEconomics } from '../modules/economics/order-economics.service.js';
import { queueOrderMessage, queueOrderMessages } from '../modules/subscribe-messages/subscribe-messages.service.js';
import { holdCutoffs, splitOrders } from '../modules/fulfilment/fulfilment.service.js';
import { recordOrdersPaid } from '../modules/crm/crm.service.js';
import { closedPresaleOrders } from '../modules/presales/presales.service.js';
import { presaleError } from '../modules/presales/presales.errors.js';
import type { Actor } from '../platform/http/auth.js';
import { cancelOrder } from './order-lifecycle.flow.js';

/**
 * What a successful payment does to its order, decided under the order's row lock:
 * - awaiting payment → paid;
 * - expired (auto-cancelled) → revived if all its stock can be reserved again, else refunded in full;
 * - cancelled, or already paid by another payment → refunded in full;
 * - a pre-sale order whose pre-sale has cut off (unpaid or expired) → cancelled, what it took given
 *   back, and refunded in full: it would fall in no window's aggregation, so it is never paid late.
 * Never an oversell: revival uses the same conditional reservation as checkout. A paid order is split
 * into supplier sub-orders and asks for its "order paid" subscribe message (sent by a job when the
 * buyer opted in).
 *
 * An ordinary order belongs to the sales window its payment comes in: placed before a cutoff and
 * paid after it, it is the next window's demand (a daily window's successor opens at the cutoff).
 * The payment time is read under the tenant's cutoff lock (shared; a cutoff holds it exclusively),
 * so a payment settling while a cutoff runs lands in one window or the next, never between them.
 */
export function settlePaidOrder(clock: Clock) {
  return async (tx: Tx, payment: { tenant_id: string; id: string; order_id: string; amount: number }): Promise<string> => {
    await holdCutoffs(tx, payment.tenant_id);
    const now = clock.now();
    // The common case in one statement: an order awaiting payment becomes paid. Only when it was
    // in any other state is it locked and read to decide.
    // A paid order is split into its supplier sub-orders here rather than at checkout: one
    // INSERT … SELECT over its lines, off the checkout path, and only for orders that are paid.
    const paidMessage = async () => {
      await splitOrders(tx, payment.tenant_id, [payment.order_id]);
      await settleGroupPayments(tx, clock, payment.tenant_id, [payment.order_id]);
      await queueOrderMessage(tx, clock, payment.tenant_id, { event: 'order_paid', orderId: payment.order_id });
      await countPaidOrders(tx, now, payment.tenant_id, [payment.order_id]);
      await recordOrdersPaid(tx, payment.tenant_id, [payment.order_id], clock.now());
    };
    if ((await closedPresaleOrders(tx, payment.tenant_id, [payment.order_id], now)).has(payment.order_id)) {
      const refused = await refuseLatePresalePayment(tx, clock, payment);
      if (refused) return refused;
    }
    if (await transitionOrder(tx, payment.tenant_id, payment.order_id, 'paid', { paid_at: now }, 'pending_payment')) {
      await recordOrderEconomics(tx, payment.tenant_id, [payment.order_id]);
      await paidMessage();
      return 'order_paid';
    }
    const order = await lockOrder(tx, payment.tenant_id, payment.order_id);
    if (!order) return 'order_missing';
    if (order.status === 'pending_payment') {
      // Only if it changed back between the two statements, which no transition allows; kept for safety.
      await transitionOrder(tx, order.tenant_id, order.id, 'paid', { paid_at: now });
      await recordOrderEconomics(tx, order.tenant_id, [order.id]);
      await paidMessage();
      return 'order_paid';
    }
    if (order.status === 'expired' && (await reviveExpired(tx, order))) {
      await transitionOrder(tx, order.tenant_id, order.id, 'paid', { paid_at: now, closed_at: null });
      await audit(tx, order.tenant_id, 'order.revived_by_late_payment', 'order', order.id, { payment_id: payment.id });
      await recordOrderEconomics(tx, order.tenant_id, [order.id]);
      await paidMessage();
      return 'order_revived';
    }
    const reason = order.status === 'expired' ? 'late_payment_out_of_stock' : order.status === 'cancelled' ? 'payment_after_cancel' : 'duplicate_payment';
    await startRefund(tx, { tenantId: order.tenant_id, orderId: order.id, paymentId: payment.id, amount: payment.amount, reason, restocked: false, lines: [], createdBy: null });
    await audit(tx, order.tenant_id, 'payment.auto_refunded', 'payment', payment.id, { reason, order_status: order.status });
    return `auto_refund:${reason}`;
  };
}

/**
 * `settlePaidOrder` for a batch of one tenant's payments (notifications applied together): the
 * orders awaiting payment become paid in one statement, and their economics, supplier sub-orders
 * and "order paid" messages are written in one each. An order in any other state, or named by a second payment of
 * the batch, is settled one by one as above. One outcome per payment, in order.
 */
export function settlePaidOrders(clock: Clock) {
  const settleOne = settlePaidOrder(clock);
  return async (tx: Tx, tenantId: string, payments: { tenant_id: string; id: string; order_id: string; amount: number }[]): Promise<string[]> => {
    await holdCutoffs(tx, tenantId);
    const firstPayments = new Map<string, string>();
    for (const p of payments) if (!firstPayments.has(p.order_id)) firstPayments.set(p.order_id, p.id);
    // Late pre-sale orders are settled one by one (refused and refunded) below.
    const closed = await closedPresaleOrders(tx, tenantId, [...firstPayments.keys()], clock.now());
    const moved = await transitionOrders(tx, tenantId, [...firstPayments.keys()].filter((id) => !closed.has(id)), 'paid', { paid_at: clock.now() }, 'pending_payment');
    if (moved.size > 0) {
      await recordOrderEconomics(tx, tenantId, [...moved]);
      await splitOrders(tx, tenantId, [...moved]);
      await queueOrderMessages(tx, clock, tenantId, 'order_paid', [...moved]);
      await settleGroupPayments(tx, clock, tenantId, [...moved]);
      await countPaidOrders(tx, clock.now(), tenantId, [...moved]);
      await recordOrdersPaid(tx, tenantId, [...moved], clock.now());
    }
    const outcomes: string[] = [];
    for (const p of payments) {
      outcomes.push(moved.has(p.order_id) && firstPayments.get(p.order_id) === p.id ? 'order_paid' : await settleOne(tx, p));
    }
    return outcomes;
  };
}

/**
 * A payment for a pre-sale order after its cutoff: an unpaid order is cancelled (its stock, coupons
 * and caps given back) and an expired one stays closed; either way the payment is refunded in full.
 * Null for an order in any other state, which the ordinary rules settle.
 */
async function refuseLatePresalePayment(tx: Tx, clock: Clock, payment: { tenant_id: string; id: string; order_id: string; amount: number }): Promise<string | null> {
  const order = await lockOrder(tx, payment.tenant_id, payment.order_id);
  if (!order || (order.status !== 'pending_payment' && order.status !== 'expired')) return null;
  if (order.status === 'pending_payment') {
    const system: Actor = { tenantId: order.tenant_id, userId: 'system:presale-cutoff', role: 'tenant_admin', bNodeId: null, supplierId: null };
    await cancelOrder(tx, clock, system, order.id);
  }
  const reason = 'presale_closed';
  await startRefund(tx, { tenantId: order.tenant_id, orderId: order.id, paymentId: payment.id, amount: payment.amount, reason, restocked: false, lines: [], createdBy: null });
  await audit(tx, order.tenant_id, 'payment.auto_refunded', 'payment', payment.id, { reason, order_status: order.status });
  return `auto_refund:${reason}`;
}

/** Refuses to start paying a pre-sale order once its pre-sale has cut off (409 presale_closed): paid later, it would be in no window. */
export async function refusePaymentAfterCutoff(tx: Tx, clock: Clock, tenantId: string, orderId: string) {
  if ((await closedPresaleOrders(tx, tenantId, [orderId], clock.now())).has(orderId)) throw presaleError('presale_closed');
}

/** Revives an expired order only as it was placed: all its stock, its subsidy, its flash units and its coupons if it had them. */
async function reviveExpired(tx: Tx, order: { tenant_id: string; id: string; campaign_id: string | null; subsidy_discount: number }): Promise<boolean> {
  const tenantId = order.tenant_id;
  const orderId = order.id;
  const released = await releasedReservations(tx, tenantId, orderId);
  if (released.length === 0) return false;
  // A group order's slot went back when it expired: a late payment is refunded, never let in.
  if (!(await groupOrderRevivable(tx, tenantId, orderId))) return false;
  await sql`SAVEPOINT revive`.execute(tx);
  const byWarehouse = released[0]!.warehouse_id;
  const wants = released.map((r) => ({ sku_id: r.sku_id, quantity: r.quantity }));
  const got = await reserveStock(tx, tenantId, byWarehouse, wants);
  const subsidy = order.campaign_id === null || (await retakeSubsidy(tx, tenantId, order.campaign_id, order.subsidy_discount));
  // A flash order comes back only with its flash units, within the cap and the buyer's limit.
  const flash = got.size === wants.length && subsidy && (await retakeFlashUnits(tx, tenantId, orderId));
  const coupons = flash && (await retakeCoupons(tx, tenantId, orderId));
  if (got.size !== wants.length || !subsidy || !flash || !coupons) {
    await sql`ROLLBACK TO SAVEPOINT revive`.execute(tx);
    return false;
  }
  await sql`RELEASE SAVEPOINT revive`.execute(tx);
  await reactivateReservations(tx, tenantId, orderId);
  return true;
}
