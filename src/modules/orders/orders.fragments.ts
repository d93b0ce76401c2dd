import { sql, type RawBuilder } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { Fulfillment } from './orders.schema.js';

export interface NewOrder {
  tenant_id: string; id: string; number: string; b_node_id: string; customer_id: string; warehouse_id: string;
  fulfillment: Fulfillment; pickup_code: string; subtotal: number; discount: number; total: number; supply_cost: number; note: string;
  campaign_id: string | null; expires_at: Date; created_at: Date;
  /** The part of `discount` the subsidy campaign paid (the rest is coupons'). */
  subsidy_discount: number;
  /** Whom the order is attributed to (a share code visited within the window), all three or none. */
  attribution: { share_code: string; sharer_user_id: string; sharer_b_node_id: string } | null;
  /** The campaign of another kind than a subsidy the order was bought under (a subsidy is recorded from campaign_id). */
  campaign_record?: { kind: 'group_buy' | 'flash_sale' | 'presale' | 'bargain'; ref: string } | null;
}
export interface NewLine {
  line_no: number; sku_id: string; sku_code: string; title: string; quantity: number;
  unit_price: number; unit_supply_cost: number; line_total: number; discount: number;
}

/** The body of a CTE inserting a new order awaiting payment, only when the boolean expression `when` holds; returns its id. */
export function insertOrder(order: NewOrder, when: RawBuilder<unknown>) {
  return sql`(INSERT INTO orders (tenant_id, id, number, b_node_id, customer_id, warehouse_id, status, fulfillment, pickup_code,
                            subtotal, discount, total, supply_cost, note, campaign_id, subsidy_discount, expires_at, created_at,
                            share_code, sharer_user_id, sharer_b_node_id, campaign_kind, campaign_ref)
        SELECT ${order.tenant_id}, ${order.id}, ${order.number}, ${order.b_node_id}, ${order.customer_id}, ${order.warehouse_id},
               'pending_payment', ${order.fulfillment}, ${order.pickup_code}, ${order.subtotal}, ${order.discount}, ${order.total},
               ${order.supply_cost}, ${order.note}, ${order.campaign_id}, ${order.subsidy_discount}, ${order.expires_at}, ${order.created_at},
               ${order.attribution?.share_code ?? null}, ${order.attribution?.sharer_user_id ?? null}, ${order.attribution?.sharer_b_node_id ?? null},
               ${order.campaign_record?.kind ?? (order.campaign_id ? 'subsidy' : null)}, ${order.campaign_record?.ref ?? order.campaign_id}
         WHERE ${when}
        RETURNING id)`;
}

/** The body of a CTE inserting the lines of the orders the query `orderIds` yields (none when the order was not placed). */
export function insertLines(tenantId: string, orderIds: RawBuilder<unknown>, lines: NewLine[]) {
  const col = <K extends keyof NewLine>(k: K) => lines.map((l) => l[k]);
  return sql`(INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, title, quantity, unit_price, unit_supply_cost, line_total, discount)
        SELECT ${tenantId}, o.id, l.*
          FROM ${orderIds} o,
               unnest(${col('line_no')}::int[], ${col('sku_id')}::text[], ${col('sku_code')}::text[], ${col('title')}::text[],
                      ${col('quantity')}::int[], ${col('unit_price')}::bigint[], ${col('unit_supply_cost')}::bigint[], ${col('line_total')}::bigint[],
                      ${col('discount')}::bigint[]) AS l
        RETURNING 1)`;
}

/**
 * One order locked for the caller's transaction, every column, to read as a table (a CTE's body):
 * another module's write can then sit beside the lock in the same statement.
 */
export function lockedOrder(tenantId: string, orderId: string) {
  return sql`(SELECT * FROM orders WHERE tenant_id = ${tenantId} AND id = ${orderId} FOR UPDATE)`;
}

/** Whose each order of the tenant is (its customer and B node), to read as a table: for judging visibility beside another module's row. */
export function orderOwners(tenantId: string) {
  return sql<{ id: string; customer_id: string; b_node_id: string }>`(SELECT id, customer_id, b_node_id FROM orders WHERE tenant_id = ${tenantId})`;
}

/** The paid orders among the given ids, to read as a table (the order waterfall's source). */
export function paidOrdersAmong(tenantId: string, orderIds: string[]) {
  return sql`(SELECT tenant_id, id, status, paid_at, b_node_id, total, discount, refunded_total, campaign_id FROM orders
      WHERE tenant_id = ${tenantId} AND id = ANY(${orderIds}::text[]) AND paid_at IS NOT NULL)`;
}

/** The lines of the given orders, to read as a table. */
export function linesOfOrders(tenantId: string, orderIds: string[]) {
  return sql<{
    order_id: string; line_no: number; sku_id: string; quantity: number; unit_price: Fen; unit_supply_cost: Fen;
    line_total: Fen; discount: Fen; refunded_quantity: number; refunded_amount: Fen;
  }>`(SELECT order_id, line_no, sku_id, quantity, unit_price, unit_supply_cost, line_total, discount, refunded_quantity, refunded_amount
       FROM order_lines WHERE tenant_id = ${tenantId} AND order_id = ANY(${orderIds}::text[]))`;
}

/** The average list value and supply cost of orders paid in the last 90 days (of one shop, if given), as one row; null without any. */
export function recentPaidAverages(tenantId: string, bNodeId?: string | null) {
  return sql`(SELECT round(avg(total + discount))::bigint AS price, round(avg(supply_cost))::bigint AS cogs FROM orders
       WHERE tenant_id = ${tenantId} AND paid_at > now() - interval '90 days'
         ${bNodeId ? sql`AND b_node_id = ${bNodeId}` : sql``})`;
}

/** Each order's number and status, to join by `id`. */
export function orderCards(tenantId: string) {
  return sql<{ id: string; number: string; status: string }>`(SELECT id, number, status FROM orders WHERE tenant_id = ${tenantId})`;
}

/** One order's buyer, number, total and B node, to read as a table (one row or none): what a message about it says. */
/** `orderForMessage` for several orders of a tenant. */
export function ordersForMessage(tenantId: string, orderIds: string[]) {
  return sql<{ id: string; number: string; customer_id: string; b_node_id: string; total: Fen; paid_at: Date | null }>`(
    SELECT id, number, customer_id, b_node_id, total, paid_at FROM orders WHERE tenant_id = ${tenantId} AND id = ANY(${orderIds}::text[]))`;
}

export function orderForMessage(tenantId: string, orderId: string) {
  return sql<{ id: string; number: string; customer_id: string; b_node_id: string; total: Fen; paid_at: Date | null }>`(
    SELECT id, number, customer_id, b_node_id, total, paid_at FROM orders WHERE tenant_id = ${tenantId} AND id = ${orderId})`;
}

/**
 * Units sold per tenant, B node and SKU: paid, less refunded (an order counts from its payment on,
 * whatever happened after). Of one tenant, or of all for periodic upkeep.
 */
export function soldUnits(tenantId?: string) {
  return sql<{ tenant_id: string; b_node_id: string; sku_id: string; sold: number }>`(
    SELECT o.tenant_id, o.b_node_id, l.sku_id, sum(l.quantity - l.refunded_quantity)::int AS sold
      FROM orders o JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
     WHERE o.paid_at IS NOT NULL ${tenantId === undefined ? sql`` : sql`AND o.tenant_id = ${tenantId}`}
     GROUP BY o.tenant_id, o.b_node_id, l.sku_id)`;
}

/**
 * A sales window's demand, line by line: orders paid in [from, to), paid and not shipped (a partial
 * refund keeps what is left), with the units each line still holds. An order belongs to the window
 * its payment came in, not the one it was placed in: placed before a cutoff and paid after it, it
 * is the next window's demand. Read as a table by the cutoff, which aggregates it in one statement
 * per target (through the partial index of paid, unshipped orders by payment time).
 */
export function windowDemand(tenantId: string, from: Date, to: Date) {
  return sql<{ order_id: string; b_node_id: string; warehouse_id: string; paid_at: Date; line_no: number; sku_id: string; quantity: number; unit_supply_cost: Fen }>`(
    SELECT o.id AS order_id, o.b_node_id, o.warehouse_id, o.paid_at, l.line_no, l.sku_id,
           l.quantity - l.refunded_quantity AS quantity, l.unit_supply_cost
      FROM orders o JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
     WHERE o.tenant_id = ${tenantId} AND o.status IN ('paid', 'partially_refunded') AND NOT o.shipped
       AND o.paid_at >= ${from} AND o.paid_at < ${to}
       AND l.quantity > l.refunded_quantity)`;
}

/** Every line of the tenant's orders with what is left of it and its order's number, buyer and payment time, to join by `order_id`. */
export function orderLinesLeft(tenantId: string) {
  return sql<{ order_id: string; number: string; customer_id: string; paid_at: Date | null; line_no: number; sku_id: string; sku_code: string; title: string; quantity: number; qty_left: number; unit_price: Fen; line_total: Fen; discount: Fen; refunded_amount: Fen }>`(
    SELECT l.order_id, o.number, o.customer_id, o.paid_at, l.line_no, l.sku_id, l.sku_code, l.title, l.quantity,
           l.quantity - l.refunded_quantity AS qty_left, l.unit_price, l.line_total, l.discount, l.refunded_amount
      FROM order_lines l JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
     WHERE l.tenant_id = ${tenantId})`;
}

/**
 * Among the given paid orders, those that came through someone's share link and are their buyer's
 * first paid order (no order of theirs paid before it), to read as a table: referral tasks count these.
 */
export function firstPaidSharedOrders(tenantId: string, orderIds: string[]) {
  return sql<{ id: string; customer_id: string; sharer_user_id: string }>`(SELECT o.id, o.customer_id, o.sharer_user_id FROM orders o
      WHERE o.tenant_id = ${tenantId} AND o.id = ANY(${orderIds}::text[]) AND o.paid_at IS NOT NULL AND o.sharer_user_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.tenant_id = o.tenant_id AND p.customer_id = o.customer_id AND p.id <> o.id
                          AND p.paid_at IS NOT NULL AND (p.paid_at < o.paid_at OR (p.paid_at = o.paid_at AND p.id < o.id))))`;
}

/**
 * Per customer of the tenant: their paid orders' count, the last payment time and what they spent
 * (paid totals less refunds), to join by `customer_id`. Customers who never paid have no row.
 */
export function customerSpend(tenantId: string) {
  return sql<{ customer_id: string; orders: number; last_paid_at: Date; spend: Fen }>`(
    SELECT customer_id, count(*)::int AS orders, max(paid_at) AS last_paid_at, sum(total - refunded_total)::bigint AS spend
      FROM orders WHERE tenant_id = ${tenantId} AND paid_at IS NOT NULL GROUP BY customer_id)`;
}

/** The orders of the given customers, newest first per customer, to read as a table (a customer's or a group's orders). */
export function ordersOfCustomers(tenantId: string, customerIds: string[]) {
  return sql<{ id: string; number: string; customer_id: string; b_node_id: string; status: string; total: Fen; refunded_total: Fen; created_at: Date; paid_at: Date | null }>`(
    SELECT id, number, customer_id, b_node_id, status, total, refunded_total, created_at, paid_at
      FROM orders WHERE tenant_id = ${tenantId} AND customer_id = ANY(${customerIds}::text[]))`;
}

/**
 * Paid lines bought under campaigns of one kind (pre-sales, bargains…), with the units each still
 * holds (refunds taken off) and its buyer, to aggregate progress per campaign and SKU.
 */
export function campaignSales(tenantId: string, kind: string, refs: string[]) {
  return sql<{ campaign_ref: string; order_id: string; customer_id: string; paid_at: Date; sku_id: string; units: number }>`(
    SELECT o.campaign_ref, o.id AS order_id, o.customer_id, o.paid_at, l.sku_id, l.quantity - l.refunded_quantity AS units
      FROM orders o JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
     WHERE o.tenant_id = ${tenantId} AND o.campaign_kind = ${kind} AND o.campaign_ref = ANY(${refs}::text[])
       AND o.paid_at IS NOT NULL AND l.quantity > l.refunded_quantity)`;
}

/** The given orders bought under campaigns of one kind, with their campaign and status, to read as a table. */
export function campaignOrdersAmong(tenantId: string, kind: string, orderIds: string[]) {
  return sql<{ id: string; status: string; campaign_ref: string }>`(
    SELECT id, status, campaign_ref FROM orders WHERE tenant_id = ${tenantId} AND id = ANY(${orderIds}::text[]) AND campaign_kind = ${kind})`;
}

/** Unpaid orders bought under the given campaigns of one kind, to read as a table. */
export function unpaidCampaignOrders(tenantId: string, kind: string, refs: string[]) {
  return sql<{ id: string; campaign_ref: string }>`(
    SELECT id, campaign_ref FROM orders WHERE tenant_id = ${tenantId} AND campaign_kind = ${kind} AND campaign_ref = ANY(${refs}::text[])
       AND status = 'pending_payment')`;
}

/**
 * A pickup point's orders waiting for their buyers: paid pickup orders not yet completed nor
 * refunded in full. Carries the pickup code for matching a typed code; never answer it to staff.
 */
export function openPickupOrders(tenantId: string, bNodeId: string) {
  return sql<{ order_id: string; number: string; status: string; customer_id: string; pickup_code: string; shipped: boolean; paid_at: Date }>`(
    SELECT id AS order_id, number, status, customer_id, pickup_code, shipped, paid_at FROM orders
     WHERE tenant_id = ${tenantId} AND b_node_id = ${bNodeId} AND fulfillment = 'pickup'
       AND status IN ('paid', 'ready_for_pickup', 'partially_refunded'))`;
}

/** Orders of a pickup point with a given pickup code, whatever their status (to tell a used code from a wrong one). */
export function pickupCodeOrders(tenantId: string, bNodeId: string, code: string) {
  return sql<{ order_id: string; status: string }>`(
    SELECT id AS order_id, status FROM orders WHERE tenant_id = ${tenantId} AND b_node_id = ${bNodeId} AND pickup_code = ${code})`;
}
