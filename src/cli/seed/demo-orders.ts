import type { Insertable } from 'kysely';
import type { Database } from '../../database.js';
import type { OrderStatus } from '../../modules/orders/orders.states.js';
import { REFUND_REASONS } from './demo-catalog.js';
import type { SeedRng } from './rng.js';

/**
 * Ninety days of order history built in memory, row for row what checkout, payment, pickup and
 * refund would have written: prices from the listing, costs from the SKU, reservations consumed
 * for goods that left the warehouse, released for unpaid orders, active for paid orders still
 * waiting, so `stock.reserved = Σ active reservations` holds once the rows are inserted.
 */
export interface HistorySku { id: string; code: string; label: string; supply: number; fresh: boolean; popularity: number }
export interface HistoryNode { id: string; warehouseId: string; listings: { sku: HistorySku; price: number }[] }
export interface HistoryCustomer { id: string; node: number; createdAt: Date; weight: number }

export interface History {
  orders: Insertable<Database['orders']>[];
  lines: Insertable<Database['order_lines']>[];
  reservations: Insertable<Database['stock_reservations']>[];
  payments: Insertable<Database['payments']>[];
  refunds: Insertable<Database['refunds']>[];
  /** Active reservations per `warehouse|sku`: what stock.reserved must be. */
  reserved: Map<string, number>;
  statuses: Partial<Record<OrderStatus, number>>;
}

export interface HistoryInput {
  tenantId: string;
  now: Date;
  count: number;
  nodes: HistoryNode[];
  customers: HistoryCustomer[];
  id: (prefix: string, at: Date) => string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Asia/Shanghai has had no daylight saving since 1991, so a fixed offset gives exact local days.
const SHANGHAI = 8 * HOUR;
export const HISTORY_DAYS = 90;
const PAYMENT_TIMEOUT = 15 * MINUTE;

// Orders by local hour: a morning bump, lunch, and the evening peak after work (18:00–21:00).
const HOUR_WEIGHTS = [0.1, 0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.6, 0.9, 1, 1, 1.1, 1.3, 1.1, 0.8, 0.8, 0.9, 1.2, 2.4, 2.8, 2.8, 2.3, 1.3, 0.5];

export function buildHistory(rng: SeedRng, input: HistoryInput): History {
  const now = input.now.getTime();
  const times = Array.from({ length: input.count }, () => sampleTime(rng, now)).sort((a, b) => a - b);
  const customerWeights = input.customers.map((c) => c.weight);
  const numbers = new Set<string>();
  const h: History = { orders: [], lines: [], reservations: [], payments: [], refunds: [], reserved: new Map(), statuses: {} };

  for (const t of times) {
    const customer = pickCustomer(rng, input.customers, customerWeights, t);
    const node = input.nodes[customer.node]!;
    const created = new Date(t);
    const orderId = input.id('ord', created);
    let status = statusFor(rng, now - t);
    const lines = basket(rng, node).map((l, i) => ({
      tenant_id: input.tenantId, order_id: orderId, line_no: i + 1, sku_id: l.sku.id, sku_code: l.sku.code, title: l.sku.label,
      quantity: l.quantity, unit_price: l.price, unit_supply_cost: l.sku.supply, line_total: l.price * l.quantity,
      refunded_quantity: 0, refunded_amount: 0,
    }));
    const total = lines.reduce((a, l) => a + l.line_total, 0);
    const supplyCost = lines.reduce((a, l) => a + l.unit_supply_cost * l.quantity, 0);

    const paid = status !== 'expired' && status !== 'cancelled';
    const paidAt = paid ? new Date(t + rng.int(20, 8 * 60) * 1000) : null;
    const shipped = paid && status !== 'paid';
    let closedAt: Date | null = null;
    if (status === 'expired') closedAt = new Date(t + PAYMENT_TIMEOUT);
    if (status === 'cancelled') closedAt = new Date(t + rng.int(1, 10) * MINUTE);
    if (status === 'completed' || status === 'refunded' || status === 'partially_refunded') closedAt = pickupTime(rng, paidAt!.getTime(), now);

    let refundedTotal = 0;
    let refundAt = 0;
    if (status === 'refunded' || status === 'partially_refunded') {
      const parts = refundParts(rng, lines, status);
      for (const p of parts) {
        const line = lines[p.line_no - 1]!;
        line.refunded_quantity = p.quantity;
        line.refunded_amount = p.amount;
      }
      refundedTotal = parts.reduce((a, p) => a + p.amount, 0);
      if (lines.every((l) => l.refunded_quantity === l.quantity)) status = 'refunded';
      refundAt = Math.min(closedAt!.getTime() + rng.int(1, 48) * HOUR, now - MINUTE);
    }
    const pickedUpAt = closedAt;
    // A full refund closes the order when it is made, as the refund flow does.
    if (status === 'refunded') closedAt = new Date(refundAt);

    h.orders.push({
      tenant_id: input.tenantId, id: orderId, number: orderNumber(rng, created, numbers), b_node_id: node.id, customer_id: customer.id,
      warehouse_id: node.warehouseId, status, fulfillment: 'pickup', pickup_code: String(rng.int(0, 999_999)).padStart(6, '0'),
      subtotal: total, discount: 0, total, supply_cost: supplyCost, refunded_total: refundedTotal, shipped, note: '',
      expires_at: new Date(t + PAYMENT_TIMEOUT), created_at: created, paid_at: paidAt, closed_at: closedAt,
      // Settled orders were all picked up first; the return window runs from then.
      picked_up_at: status === 'completed' || status === 'refunded' || status === 'partially_refunded' ? pickedUpAt : null,
    });
    h.lines.push(...lines);
    h.statuses[status] = (h.statuses[status] ?? 0) + 1;

    const reservation = status === 'paid' ? 'active' : shipped ? 'consumed' : 'released';
    const settledAt = reservation === 'active' ? created : shipped ? pickedUpAt ?? paidAt! : closedAt!;
    for (const l of lines) {
      h.reservations.push({ tenant_id: input.tenantId, order_id: orderId, sku_id: l.sku_id, warehouse_id: node.warehouseId, quantity: l.quantity, status: reservation, updated_at: settledAt });
      if (reservation === 'active') {
        const key = `${node.warehouseId}|${l.sku_id}`;
        h.reserved.set(key, (h.reserved.get(key) ?? 0) + l.quantity);
      }
    }

    if (!paid) continue;
    const paymentId = input.id('pay', created);
    const paymentStatus = status === 'refunded' ? 'refunded' : status === 'partially_refunded' ? 'partially_refunded' : 'succeeded';
    h.payments.push({
      tenant_id: input.tenantId, id: paymentId, order_id: orderId, provider: 'sandbox', amount: total, status: paymentStatus,
      refunded_amount: refundedTotal, provider_trade_no: `sbx${paymentId.slice(-12)}`, created_at: new Date(t + rng.int(5, 15) * 1000), succeeded_at: paidAt,
    });
    if (refundedTotal > 0) {
      const refundLines = lines.filter((l) => l.refunded_quantity > 0)
        .map((l) => ({ line_no: l.line_no, sku_id: l.sku_id, quantity: l.refunded_quantity, amount: l.refunded_amount }));
      h.refunds.push({
        tenant_id: input.tenantId, id: input.id('rfd', new Date(refundAt)), order_id: orderId, payment_id: paymentId, amount: refundedTotal,
        status: 'succeeded', reason: rng.pick(REFUND_REASONS), restocked: false, lines: JSON.stringify(refundLines), created_by: null,
        created_at: new Date(refundAt), settled_at: new Date(Math.min(refundAt + rng.int(1, 30) * MINUTE, now)),
      });
    }
  }
  return h;
}

/** A moment in the last 90 local days, busier at weekends, in the evening, and as the shops grow. */
function sampleTime(rng: SeedRng, now: number): number {
  const todayStart = Math.floor((now + SHANGHAI) / DAY) * DAY - SHANGHAI;
  const dayWeights = Array.from({ length: HISTORY_DAYS }, (_, d) => {
    const weekday = new Date(todayStart - d * DAY + SHANGHAI).getUTCDay();
    const growth = 0.75 + 0.5 * (HISTORY_DAYS - 1 - d) / (HISTORY_DAYS - 1);
    const elapsed = d === 0 ? (now - todayStart) / DAY : 1;
    return growth * (weekday === 0 || weekday === 6 ? 1.5 : 1) * elapsed;
  });
  for (;;) {
    const d = rng.weighted(dayWeights);
    const t = todayStart - d * DAY + rng.weighted(HOUR_WEIGHTS) * HOUR + rng.int(0, HOUR - 1);
    // Leave the last minutes empty so no seeded order is still inside its payment window.
    if (t <= now - 20 * MINUTE) return t;
  }
}

function pickCustomer(rng: SeedRng, customers: HistoryCustomer[], weights: number[], t: number): HistoryCustomer {
  for (;;) {
    const c = customers[rng.weighted(weights)]!;
    if (c.createdAt.getTime() < t) return c;
  }
}

/**
 * Recent orders are still open (community pre-sale: ordered today, at the pickup point tomorrow);
 * older ones are settled: mostly completed, ~5% refunded in part or in full after pickup, some
 * never paid and expired by the payment timeout.
 */
function statusFor(rng: SeedRng, age: number): OrderStatus {
  if (age < DAY) return (['paid', 'ready_for_pickup', 'completed', 'expired'] as const)[rng.weighted([50, 15, 30, 5])]!;
  if (age < 2 * DAY) return (['ready_for_pickup', 'completed', 'expired'] as const)[rng.weighted([20, 75, 5])]!;
  return (['completed', 'refunded', 'partially_refunded', 'expired', 'cancelled'] as const)[rng.weighted([86.5, 2.5, 2.5, 7.5, 1])]!;
}

function basket(rng: SeedRng, node: HistoryNode) {
  const size = 1 + rng.weighted([35, 30, 20, 15]);
  const pool = [...node.listings];
  const chosen: { sku: HistorySku; price: number; quantity: number }[] = [];
  while (chosen.length < size && pool.length > 0) {
    const [l] = pool.splice(rng.weighted(pool.map((p) => p.sku.popularity)), 1);
    const quantity = 1 + (l!.sku.fresh ? rng.weighted([60, 30, 10]) : rng.weighted([75, 25]));
    chosen.push({ ...l!, quantity });
  }
  return chosen;
}

/** Collected 8–30 hours after payment (the next day's pickup), never in the future. */
function pickupTime(rng: SeedRng, paidAt: number, now: number): Date {
  const due = paidAt + rng.int(8 * 60, 30 * 60) * MINUTE;
  return new Date(due < now ? due : paidAt + Math.floor((now - paidAt) * (0.3 + 0.6 * rng.next())));
}

/** Which units come back: everything, or part of the order with at least one unit kept. */
function refundParts(rng: SeedRng, lines: { line_no: number; quantity: number; unit_price: number; line_total: number }[], status: OrderStatus) {
  const units = lines.reduce((a, l) => a + l.quantity, 0);
  if (status === 'refunded' || units === 1) return lines.map((l) => ({ line_no: l.line_no, quantity: l.quantity, amount: l.line_total }));
  const line = rng.pick(lines);
  const quantity = lines.length === 1 ? rng.int(1, line.quantity - 1) : rng.int(1, line.quantity);
  return [{ line_no: line.line_no, quantity, amount: quantity === line.quantity ? line.line_total : line.unit_price * quantity }];
}

function orderNumber(rng: SeedRng, at: Date, taken: Set<string>): string {
  const day = at.toISOString().slice(2, 10).replaceAll('-', '');
  for (;;) {
    const n = `${day}${String(rng.int(0, 999_999_999)).padStart(9, '0')}${rng.int(0, 9)}`;
    if (!taken.has(n)) {
      taken.add(n);
      return n;
    }
  }
}
