import { randomInt } from 'node:crypto';
import { inTransaction, type Conn, type Db, type Tx } from '../../platform/db/database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { platformError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { allocate, fen } from '../../platform/money.js';
import { campaignError } from '../campaigns/campaigns.errors.js';
import { bNodeRepo } from '../b-nodes/b-nodes.repo.js';
import { bNodeError } from '../b-nodes/b-nodes.errors.js';
import { recordOrderEconomics } from '../economics/order-economics.service.js';
import { orderError } from './orders.errors.js';
import { orderRepo, type NewLine, type NewOrder, type StockWant } from './orders.repo.js';
import type { CheckoutInput, Fulfillment } from './orders.schema.js';
import type { OrderStatus } from './orders.states.js';

export interface Buyer { tenantId: string; customerId: string }

/**
 * Places an order: prices every line from the shop's listing, snapshots price and supply cost,
 * and reserves all stock with one conditional update inside the caller's transaction. Either the
 * whole cart is reserved and the order exists, or nothing is written. Statement count is fixed
 * whatever the cart size.
 */
export async function checkout(tx: Tx, clock: Clock, buyer: Buyer, input: CheckoutInput) {
  const skuIds = [...new Set(input.lines.map((l) => l.sku_id))];
  const now = clock.now();
  const source = await orderRepo.checkoutSource(tx, buyer.tenantId, input.shop, skuIds, now);
  const node = source[0];
  // Another tenant's shop is indistinguishable from no shop at all.
  if (!node) throw bNodeError('shop_not_found');
  const listed = new Map(source.filter((r) => r.sku_id !== null && r.retail_price !== null).map((r) => [r.sku_id!, r]));
  const missing = skuIds.filter((id) => !listed.has(id));
  if (missing.length) throw orderError('sku_not_available', { sku_ids: missing });

  const priced = input.lines.map((l, i) => {
    const sku = listed.get(l.sku_id)!;
    const unitPrice = fen(sku.retail_price!);
    return {
      line_no: i + 1, sku_id: l.sku_id, sku_code: sku.code!, title: `${sku.title} ${sku.sku_name}`.trim(), quantity: l.quantity,
      unit_price: unitPrice, unit_supply_cost: fen(sku.supply_price!), line_total: unitPrice * l.quantity,
    };
  });
  const subtotal = priced.reduce((a, l) => a + l.line_total, 0);
  // A running subsidy applies when the cart reaches its minimum; its discount is split over the
  // lines by price so a refund by line returns exactly what that line cost the buyer.
  const campaign = node.campaign_id && subtotal >= fen(node.campaign_min_total!) ? { id: node.campaign_id, discount: fen(node.campaign_discount!) } : null;
  const discount = campaign?.discount ?? 0;
  const split = allocate(discount, priced.map((l) => l.line_total));
  const lines: NewLine[] = priced.map((l, i) => ({ ...l, discount: split[i]! }));
  const order: NewOrder = {
    tenant_id: buyer.tenantId, id: newId('ord'), number: orderNumber(now), b_node_id: node.b_node_id, customer_id: buyer.customerId,
    warehouse_id: node.warehouse_id, fulfillment: input.fulfillment, pickup_code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
    subtotal, discount, total: subtotal - discount, supply_cost: lines.reduce((a, l) => a + l.unit_supply_cost * l.quantity, 0), note: input.note,
    campaign_id: campaign?.id ?? null, expires_at: new Date(now.getTime() + node.timeout_minutes * 60_000), created_at: now,
  };
  const wants = mergeBySku(input.lines);
  const { placed, reserved, subsidized } = await orderRepo.placeOrder(tx, order, lines, wants);
  if (!placed && reserved.length === wants.length && campaign && !subsidized) {
    // Another checkout took the last of the budget between our read and our write.
    throw campaignError('campaign_budget_exhausted', { campaign_id: campaign.id });
  }
  if (!placed) {
    // The caller's transaction rolls back, taking the partial reservations with it.
    const got = new Set(reserved);
    throw orderError('out_of_stock', { sku_ids: wants.filter((w) => !got.has(w.sku_id)).map((w) => w.sku_id) });
  }
  return presentOrder({ ...order, status: 'pending_payment', refunded_total: 0, shipped: false, paid_at: null, closed_at: null }, lines.map((l) => ({ ...l, refunded_quantity: 0, refunded_amount: 0 })),
    { shop: { id: node.b_node_id, name: node.name, slug: node.slug, pickup_address: node.pickup_address } });
}

function mergeBySku(lines: { sku_id: string; quantity: number }[]): StockWant[] {
  const total = new Map<string, number>();
  for (const l of lines) total.set(l.sku_id, (total.get(l.sku_id) ?? 0) + l.quantity);
  return [...total].map(([sku_id, quantity]) => ({ sku_id, quantity })).sort((a, b) => (a.sku_id < b.sku_id ? -1 : 1));
}

function orderNumber(now: Date): string {
  const d = now.toISOString().slice(2, 10).replaceAll('-', '');
  return `${d}${String(randomInt(0, 1e9)).padStart(9, '0')}${randomInt(0, 10)}`;
}

type Amount = number | string;
/** An order as stored, or as just placed (amounts still numbers, defaults not yet applied). */
interface OrderShape {
  id: string; number: string; status: OrderStatus; b_node_id: string; customer_id: string; fulfillment: Fulfillment; pickup_code: string;
  subtotal: Amount; discount: Amount; total: Amount; supply_cost: Amount; refunded_total: Amount; shipped: boolean; note: string;
  campaign_id: string | null; expires_at: Date; created_at: Date; paid_at: Date | null; closed_at: Date | null;
}
interface LineShape {
  line_no: number; sku_id: string; sku_code: string; title: string; quantity: number; unit_price: Amount; unit_supply_cost: Amount;
  line_total: Amount; discount: Amount; refunded_quantity: number; refunded_amount: Amount;
}

function presentOrder(o: OrderShape, lines: LineShape[], extra: Record<string, unknown> = {}) {
  return {
    id: o.id, number: o.number, status: o.status, b_node_id: o.b_node_id, customer_id: o.customer_id,
    fulfillment: o.fulfillment, pickup_code: o.pickup_code,
    subtotal: fen(o.subtotal), discount: fen(o.discount), total: fen(o.total), supply_cost: fen(o.supply_cost), refunded_total: fen(o.refunded_total),
    shipped: o.shipped, note: o.note,
    expires_at: o.expires_at.toISOString(), created_at: o.created_at.toISOString(), paid_at: o.paid_at?.toISOString() ?? null, closed_at: o.closed_at?.toISOString() ?? null,
    lines: lines.map((l) => ({
      line_no: l.line_no, sku_id: l.sku_id, sku_code: l.sku_code, title: l.title, quantity: l.quantity,
      unit_price: fen(l.unit_price), unit_supply_cost: fen(l.unit_supply_cost), line_total: fen(l.line_total),
      discount: fen(l.discount), refunded_quantity: l.refunded_quantity, refunded_amount: fen(l.refunded_amount),
    })),
    campaign_id: o.campaign_id,
    ...extra,
  };
}

/** Who may see an order: its buyer, staff of its B node, tenant admins. Anyone else gets 404. */
export async function visibleOrder(db: Conn, actor: Actor, orderId: string, customerId?: string) {
  const order = await orderRepo.order(db, actor.tenantId, orderId);
  if (!order) throw orderError('order_not_found');
  if (actor.role === 'consumer' && order.customer_id !== customerId) throw orderError('order_not_found');
  if ((actor.role === 'b_owner' || actor.role === 'staff') && order.b_node_id !== actor.bNodeId) throw orderError('order_not_found');
  if (actor.role === 'supplier_operator') throw platformError('forbidden');
  return order;
}

export async function getOrder(db: Conn, actor: Actor, orderId: string, customerId?: string) {
  const order = await visibleOrder(db, actor, orderId, customerId);
  const [lines, payments, refunds, node, customer] = await Promise.all([
    orderRepo.lines(db, actor.tenantId, orderId),
    db.selectFrom('payments').select(['id', 'provider', 'amount', 'status', 'refunded_amount', 'created_at', 'succeeded_at'])
      .where('tenant_id', '=', actor.tenantId).where('order_id', '=', orderId).orderBy('created_at').execute(),
    db.selectFrom('refunds').select(['id', 'amount', 'status', 'reason', 'restocked', 'lines', 'created_at', 'settled_at'])
      .where('tenant_id', '=', actor.tenantId).where('order_id', '=', orderId).orderBy('created_at').execute(),
    bNodeRepo.byId(db, actor.tenantId, order.b_node_id),
    db.selectFrom('customers').select(['id', 'name', 'phone']).where('tenant_id', '=', actor.tenantId).where('id', '=', order.customer_id).executeTakeFirst(),
  ]);
  return presentOrder(order, lines, {
    shop: node ? { id: node.id, name: node.name, slug: node.slug, pickup_address: node.pickup_address } : null,
    customer: customer ?? null,
    payments: payments.map((p) => ({ ...p, amount: fen(p.amount), refunded_amount: fen(p.refunded_amount) })),
    refunds: refunds.map((r) => ({ ...r, amount: fen(r.amount) })),
  });
}

export async function listOrders(db: Conn, actor: Actor, f: { status?: OrderStatus | undefined; b_node_id?: string | undefined; q?: string | undefined; limit: number; cursor?: string | undefined }, customerId?: string) {
  const bNodeId = actor.role === 'b_owner' || actor.role === 'staff' ? actor.bNodeId : f.b_node_id;
  const before = f.cursor ? decodeCursor(f.cursor) : undefined;
  const items = await orderRepo.list(db, actor.tenantId, { status: f.status, bNodeId, customerId, limit: f.limit, before, q: f.q });
  const last = items.length === f.limit ? items[items.length - 1] : undefined;
  return { items, next_cursor: last ? Buffer.from(`${last.created_at.toISOString()}|${last.id}`).toString('base64url') : null };
}

function decodeCursor(cursor: string) {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime())) throw platformError('validation_failed', { errors: [{ path: 'query.cursor', message: 'invalid cursor' }] });
  return { created_at: date, id };
}

export async function cancelOrder(tx: Tx, clock: Clock, actor: Actor, orderId: string, customerId?: string) {
  await visibleOrder(tx, actor, orderId, customerId);
  const locked = await orderRepo.lockOrder(tx, actor.tenantId, orderId);
  if (locked!.status !== 'pending_payment') throw orderError('order_not_cancellable', { order_status: locked!.status });
  await orderRepo.transition(tx, actor.tenantId, orderId, 'cancelled', { closed_at: clock.now() });
  await orderRepo.settleReservations(tx, actor.tenantId, [orderId], 'release');
  await orderRepo.releaseSubsidies(tx, actor.tenantId, [orderId]);
}

/** Goods leave the warehouse for the pickup point: reserved stock becomes shipped stock. */
export async function markReadyForPickup(tx: Tx, actor: Actor, orderId: string) {
  await visibleOrder(tx, actor, orderId);
  const order = await orderRepo.lockOrder(tx, actor.tenantId, orderId);
  if (!(await orderRepo.transition(tx, actor.tenantId, orderId, 'ready_for_pickup', { shipped: true }))) {
    throw platformError('illegal_transition', { from: order!.status, to: 'ready_for_pickup' });
  }
  await orderRepo.settleReservations(tx, actor.tenantId, [orderId], 'consume');
}

/** Verifies the pickup code (核销) and completes the order; ships it first if that had not happened. */
export async function completePickup(tx: Tx, clock: Clock, actor: Actor, orderId: string, code: string) {
  await visibleOrder(tx, actor, orderId);
  const order = (await orderRepo.lockOrder(tx, actor.tenantId, orderId))!;
  if (order.pickup_code !== code) throw orderError('wrong_pickup_code');
  if (!(await orderRepo.transition(tx, actor.tenantId, orderId, 'completed', { shipped: true, closed_at: clock.now() }))) {
    throw platformError('illegal_transition', { from: order.status, to: 'completed' });
  }
  await orderRepo.settleReservations(tx, actor.tenantId, [orderId], 'consume');
  // A completed order no longer carries a refund provision in its waterfall.
  await recordOrderEconomics(tx, actor.tenantId, [orderId]);
}

/** Expires unpaid orders past their deadline and releases their stock, in one transaction per batch. */
export async function expireDueOrders(db: Db, clock: Clock, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await inTransaction(db, async (tx) => {
      const expired = await orderRepo.expireDue(tx, clock.now(), batch);
      const byTenant = new Map<string, string[]>();
      for (const o of expired) byTenant.set(o.tenant_id, [...(byTenant.get(o.tenant_id) ?? []), o.id]);
      // Tenants in a fixed order: overlapping runs then lock stock rows in one global order and cannot deadlock.
      for (const tenantId of [...byTenant.keys()].sort()) {
        await orderRepo.settleReservations(tx, tenantId, byTenant.get(tenantId)!, 'release');
        await orderRepo.releaseSubsidies(tx, tenantId, byTenant.get(tenantId)!);
      }
      return expired.length;
    });
    total += n;
    if (n < batch) return total;
  }
}
