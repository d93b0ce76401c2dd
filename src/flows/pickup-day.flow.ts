import { sql } from 'kysely';
import type { Db, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import type { LimitsConfig } from '../platform/config.js';
import { inTransaction } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { lockVisibleOrder, markReadyForPickup, withPickupAttempts } from '../modules/orders/orders.service.js';
import { orderError } from '../modules/orders/orders.errors.js';
import { queueOrderMessage } from '../modules/subscribe-messages/subscribe-messages.service.js';
import * as presales from '../modules/presales/presales.service.js';
import { presaleError } from '../modules/presales/presales.errors.js';
import type { VerifyPickupInput } from '../modules/presales/presales.schema.js';
import { completePickup } from './order-lifecycle.flow.js';
import { refundOrder } from './refund.flow.js';

const WAITING = new Set(['paid', 'ready_for_pickup', 'partially_refunded']);

/**
 * 核销 at the pickup point: the buyer's QR (order and code) or the six digits typed, then what the
 * buyer takes now — some lines or quantities, or everything left. The code is checked under the
 * order's attempt count (wrong codes lock it, as at POST /orders/{id}/pickup). Goods handed out
 * have left the warehouse: an order not yet shipped ships. When every unit is taken the order
 * completes through the pickup completion (its economics drop the refund provision).
 */
export async function verifyPickup(db: Db, clock: Clock, limits: LimitsConfig, actor: Actor, bNodeId: string, input: VerifyPickupInput) {
  const scanned = input.qr !== undefined ? presales.readPickupQr(input.qr) : null;
  const code = scanned?.code ?? input.code!;
  const orderId = scanned?.orderId ?? await presales.orderForCode(db, actor.tenantId, bNodeId, code, input.order_id);
  let result: { order_id: string; number: string; completed: boolean; lines: { line_no: number; title: string; quantity: number; picked: number }[] } | undefined;
  await withPickupAttempts(db, clock, limits, actor, orderId, () => inTransaction(db, async (tx) => {
    const order = await lockVisibleOrder(tx, actor, orderId);
    // A QR of another pickup point's order reads as no order of this one.
    if (order.b_node_id !== bNodeId) throw presaleError('no_pickup_order');
    if (order.pickup_code !== code) throw orderError('wrong_pickup_code');
    if (order.status === 'completed') throw presaleError('pickup_already_completed');
    if (!WAITING.has(order.status)) throw presaleError('order_not_ready_for_pickup', { order_status: order.status });
    const lines = await presales.pickLines(tx, clock, actor.tenantId, orderId, input.lines);
    const completed = lines.every((l) => l.picked >= l.qty_left);
    if (completed) await completePickup(tx, clock, actor, orderId, code);
    else if (!order.shipped) await markReadyForPickup(tx, actor, orderId);
    result = { order_id: orderId, number: order.number, completed, lines: lines.map((l) => ({ line_no: l.line_no, title: l.title, quantity: l.qty_left, picked: l.picked })) };
  }));
  return result!;
}

/**
 * "The goods arrived": the pickup point's waiting orders (those named, or every one a cutoff has
 * aggregated) are marked arrived — once each; the no-show rule runs from here — and shipped if
 * they were not, and each buyer is told once a day: a notice per buyer, and the "ready for pickup"
 * subscribe message per order for those who opted in (at most once per order, whatever the presses).
 */
export async function announceArrival(tx: Tx, clock: Clock, actor: Actor, bNodeId: string, orderIds?: string[]) {
  const now = clock.now();
  const lines = await presales.openPickupLines(tx, actor.tenantId, bNodeId);
  const wanted = orderIds ? new Set(orderIds) : null;
  const orders = new Map<string, { order_id: string; customer_id: string; shipped: boolean; status: string }>();
  for (const l of lines) {
    if (wanted ? wanted.has(l.order_id) : l.aggregated && l.arrived_at === null) {
      orders.set(l.order_id, { order_id: l.order_id, customer_id: l.customer_id, shipped: l.shipped, status: l.status });
    }
  }
  if (wanted) {
    const unknown = [...wanted].filter((id) => !orders.has(id));
    if (unknown.length) throw presaleError('no_pickup_order', { order_ids: unknown });
  }
  const arrived = new Set(await presales.recordArrivals(tx, actor.tenantId, bNodeId, [...orders.values()], now));
  const perBuyer = new Map<string, { orders: number; messages: number }>();
  let messages = 0;
  for (const o of [...orders.values()].filter((o) => arrived.has(o.order_id)).sort((a, b) => (a.order_id < b.order_id ? -1 : 1))) {
    if (!o.shipped) await markReadyForPickup(tx, actor, o.order_id);
    const queued = (await queueOrderMessage(tx, clock, actor.tenantId, { event: 'ready_for_pickup', orderId: o.order_id })) ? 1 : 0;
    messages += queued;
    const b = perBuyer.get(o.customer_id) ?? { orders: 0, messages: 0 };
    perBuyer.set(o.customer_id, { orders: b.orders + 1, messages: b.messages + queued });
  }
  const day = now.toISOString().slice(0, 10);
  const buyers = await presales.recordArrivalNotices(tx, actor.tenantId, bNodeId, day,
    [...perBuyer].map(([customer_id, b]) => ({ id: newId('arn'), customer_id, order_count: b.orders, messages_queued: b.messages })), now);
  return { orders: arrived.size, buyers, messages };
}

/**
 * No-shows under the tenant's refund rule: goods not picked up N days after they arrived are
 * refunded through the refund flow (what was picked stays sold; an order partly picked then
 * completes). Each arrival is claimed under a lock concurrent runs skip and settled by a
 * conditional update in the refund's transaction, so it is refunded exactly once.
 */
export async function settleNoShows(db: Db, clock: Clock, batch = 100, log?: (err: unknown, orderId: string) => void): Promise<{ refunded: number; settled: number }> {
  let refunded = 0;
  let settled = 0;
  for (;;) {
    // Counted per attempt: a transaction retried after a conflict counts its work once.
    const round = await inTransaction(db, async (tx) => {
      const done = { n: 0, settled: 0, refunded: 0 };
      const due = await presales.claimDueNoShows(tx, clock.now(), batch);
      done.n = due.length;
      for (const a of due) {
        // One arrival's failure (its refund refused, say) stays due for the next run and holds up no other.
        await sql`SAVEPOINT no_show`.execute(tx);
        try {
          const outcome = await settleOne(tx, clock, a.tenant_id, a.order_id);
          await sql`RELEASE SAVEPOINT no_show`.execute(tx);
          if (outcome !== 'already') done.settled += 1;
          if (outcome === 'refunded') done.refunded += 1;
        } catch (err) {
          await sql`ROLLBACK TO SAVEPOINT no_show`.execute(tx);
          if (log) log(err, a.order_id);
        }
      }
      return done;
    });
    settled += round.settled;
    refunded += round.refunded;
    // A full batch that settled nothing is one whose arrivals all failed: they wait for the next period.
    if (round.n < batch || round.settled === 0) return { refunded, settled };
  }
}

async function settleOne(tx: Tx, clock: Clock, tenantId: string, orderId: string): Promise<'refunded' | 'nothing_left' | 'already'> {
  const system: Actor = { tenantId, userId: 'system:no-show', role: 'tenant_admin', bNodeId: null, supplierId: null };
  const order = await lockVisibleOrder(tx, system, orderId);
  const lines = await presales.orderPicks(tx, tenantId, orderId);
  const left = lines.filter((l) => l.qty_left > l.picked).map((l) => ({ line_no: l.line_no, quantity: l.qty_left - l.picked }));
  const refund = WAITING.has(order.status) && left.length > 0;
  if (!(await presales.settleNoShow(tx, tenantId, orderId, refund ? 'refunded' : 'nothing_left', clock.now()))) return 'already';
  if (!refund) return 'nothing_left';
  await refundOrder(tx, clock, system, orderId, { lines: left, reason: 'no_show' });
  // What was picked stays sold: the order, nothing left to hand out, completes.
  if (lines.some((l) => l.picked > 0)) await completePickup(tx, clock, system, orderId, order.pickup_code);
  return 'refunded';
}
