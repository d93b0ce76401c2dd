import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import { fen } from '../../platform/money.js';
import type { OrderStatus } from './orders.states.js';
import { orderMachine } from './orders.states.js';
import type { Fulfillment } from './orders.schema.js';

export interface StockWant { sku_id: string; quantity: number }

export interface CheckoutSource {
  b_node_id: string; name: string; slug: string; pickup_address: string; warehouse_id: string; timeout_minutes: number;
  campaign_id: string | null; campaign_discount: string | null; campaign_min_total: string | null;
  sku_id: string | null; code: string | null; sku_name: string | null; supply_price: string | null; title: string | null; retail_price: string | null;
}

export interface NewOrder {
  tenant_id: string; id: string; number: string; b_node_id: string; customer_id: string; warehouse_id: string;
  fulfillment: Fulfillment; pickup_code: string; subtotal: number; discount: number; total: number; supply_cost: number; note: string;
  campaign_id: string | null; expires_at: Date; created_at: Date;
}
export interface NewLine {
  line_no: number; sku_id: string; sku_code: string; title: string; quantity: number;
  unit_price: number; unit_supply_cost: number; line_total: number; discount: number;
}

/**
 * The one stock-taking rule, as CTEs `want` (SKU, quantity) and `reserved` (the SKUs taken): lock
 * the rows in SKU order, so carts sharing SKUs cannot deadlock, then add to `reserved` only where
 * `on_hand - reserved` covers the quantity. A SKU without enough free stock is simply absent from
 * `reserved`; the caller decides what a short answer means.
 */
function reservationCtes(tenantId: string, warehouseId: string, wants: StockWant[]) {
  return sql`want AS (SELECT * FROM unnest(${wants.map((w) => w.sku_id)}::text[], ${wants.map((w) => w.quantity)}::int[]) AS w(sku_id, qty)),
      locked AS (
        SELECT s.sku_id FROM stock s JOIN want USING (sku_id)
         WHERE s.tenant_id = ${tenantId} AND s.warehouse_id = ${warehouseId}
         ORDER BY s.sku_id FOR UPDATE OF s),
      reserved AS (
        UPDATE stock s SET reserved = s.reserved + want.qty
          FROM want, locked
         WHERE s.tenant_id = ${tenantId} AND s.warehouse_id = ${warehouseId}
           AND s.sku_id = want.sku_id AND locked.sku_id = want.sku_id
           AND s.on_hand - s.reserved >= want.qty
        RETURNING s.sku_id)`;
}

export const orderRepo = {
  /**
   * Everything checkout reads, in one query: the shop (only within the buyer's tenant), its
   * warehouse, the tenant's payment timeout, the richest running subsidy campaign with budget left,
   * and each requested SKU's listed price, snapshot name and supply cost. A SKU that is not listed
   * comes back without a price.
   */
  async checkoutSource(db: Conn, tenantId: string, shop: string, skuIds: string[], now: Date): Promise<CheckoutSource[]> {
    const { rows } = await sql<CheckoutSource>`
      SELECT b.id AS b_node_id, b.name, b.slug, b.pickup_address, b.warehouse_id, t.order_payment_timeout_minutes AS timeout_minutes,
             c.id AS campaign_id, c.discount_per_order::text AS campaign_discount, c.min_order_total::text AS campaign_min_total,
             l.sku_id, s.code, s.name AS sku_name, s.supply_price::text, p.title, l.retail_price::text
        FROM shop_routes r
        JOIN b_nodes b ON b.tenant_id = r.tenant_id AND b.id = r.b_node_id
        JOIN tenants t ON t.id = b.tenant_id
        LEFT JOIN LATERAL (
          SELECT id, discount_per_order, min_order_total FROM campaigns
           WHERE tenant_id = b.tenant_id AND (b_node_id IS NULL OR b_node_id = b.id) AND status = 'active'
             AND starts_at <= ${now} AND ends_at > ${now} AND spent + discount_per_order <= budget
           ORDER BY discount_per_order DESC, id LIMIT 1) c ON true
        LEFT JOIN listings l ON l.tenant_id = b.tenant_id AND l.b_node_id = b.id AND l.active AND l.sku_id = ANY(${skuIds}::text[])
        LEFT JOIN skus s ON s.tenant_id = l.tenant_id AND s.id = l.sku_id
        LEFT JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
       WHERE r.slug = ${shop} AND r.tenant_id = ${tenantId}`.execute(db);
    return rows;
  },

  /**
   * Places an order in one statement: locks the stock rows in SKU order, reserves every SKU with a
   * conditional update, takes the campaign's subsidy from its budget with another, and only if all
   * of that succeeded inserts the order, its lines and its reservations. Returns what could be
   * taken; anything short means the caller must roll back (the partial updates are in its
   * transaction).
   */
  async placeOrder(db: Conn, order: NewOrder, lines: NewLine[], wants: StockWant[]): Promise<{ placed: boolean; reserved: string[]; subsidized: boolean }> {
    const col = <K extends keyof NewLine>(k: K) => lines.map((l) => l[k]);
    const { rows } = await sql<{ placed: boolean; reserved: string[]; subsidized: boolean }>`
      WITH ${reservationCtes(order.tenant_id, order.warehouse_id, wants)},
      subsidy AS (
        UPDATE campaigns SET spent = spent + ${order.discount}
         WHERE tenant_id = ${order.tenant_id} AND id = ${order.campaign_id} AND status = 'active'
           AND spent + ${order.discount} <= budget
        RETURNING id),
      complete AS (
        SELECT (SELECT count(*) FROM reserved) = ${wants.length}
               AND (${order.campaign_id}::text IS NULL OR EXISTS (SELECT 1 FROM subsidy)) AS ok),
      new_order AS (
        INSERT INTO orders (tenant_id, id, number, b_node_id, customer_id, warehouse_id, status, fulfillment, pickup_code,
                            subtotal, discount, total, supply_cost, note, campaign_id, expires_at, created_at)
        SELECT ${order.tenant_id}, ${order.id}, ${order.number}, ${order.b_node_id}, ${order.customer_id}, ${order.warehouse_id},
               'pending_payment', ${order.fulfillment}, ${order.pickup_code}, ${order.subtotal}, ${order.discount}, ${order.total},
               ${order.supply_cost}, ${order.note}, ${order.campaign_id}, ${order.expires_at}, ${order.created_at}
         WHERE (SELECT ok FROM complete)
        RETURNING id),
      new_lines AS (
        INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, title, quantity, unit_price, unit_supply_cost, line_total, discount)
        SELECT ${order.tenant_id}, o.id, l.*
          FROM new_order o,
               unnest(${col('line_no')}::int[], ${col('sku_id')}::text[], ${col('sku_code')}::text[], ${col('title')}::text[],
                      ${col('quantity')}::int[], ${col('unit_price')}::bigint[], ${col('unit_supply_cost')}::bigint[], ${col('line_total')}::bigint[],
                      ${col('discount')}::bigint[]) AS l
        RETURNING 1),
      new_reservations AS (
        INSERT INTO stock_reservations (tenant_id, order_id, sku_id, warehouse_id, quantity, status)
        SELECT ${order.tenant_id}, o.id, w.sku_id, ${order.warehouse_id}, w.qty, 'active' FROM new_order o, want w
        RETURNING 1)
      SELECT (SELECT ok FROM complete) AS placed, ARRAY(SELECT sku_id FROM reserved) AS reserved,
             EXISTS (SELECT 1 FROM subsidy) AS subsidized,
             (SELECT count(*) FROM new_lines) + (SELECT count(*) FROM new_reservations) AS written`.execute(db);
    return { placed: rows[0]!.placed, reserved: rows[0]!.reserved, subsidized: rows[0]!.subsidized };
  },

  /**
   * Reserves stock for SKUs with the checkout rule (a late payment reviving an expired order);
   * returns the SKUs taken.
   */
  async reserveStock(db: Conn, tenantId: string, warehouseId: string, wants: StockWant[]): Promise<Set<string>> {
    const { rows } = await sql<{ sku_id: string }>`
      WITH ${reservationCtes(tenantId, warehouseId, wants)}
      SELECT sku_id FROM reserved`.execute(db);
    return new Set(rows.map((r) => r.sku_id));
  },

  /** Re-activates the released reservations of a revived order; same all-or-nothing rule as checkout. */
  releasedReservations: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('stock_reservations').select(['sku_id', 'quantity', 'warehouse_id'])
      .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('status', '=', 'released').execute(),

  reactivateReservations: (db: Conn, tenantId: string, orderId: string) =>
    db.updateTable('stock_reservations').set({ status: 'active', updated_at: new Date() })
      .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('status', '=', 'released').execute(),

  /**
   * Releases (or, when `consume`, ships) the active reservations of some orders and gives the stock
   * back in one statement. The status flip is conditional, so running it twice releases nothing twice.
   */
  async settleReservations(db: Conn, tenantId: string, orderIds: string[], mode: 'release' | 'consume'): Promise<number> {
    if (orderIds.length === 0) return 0;
    const next = mode === 'release' ? 'released' : 'consumed';
    const { rows } = await sql<{ n: number }>`
      WITH done AS (
        UPDATE stock_reservations SET status = ${next}, updated_at = now()
         WHERE tenant_id = ${tenantId} AND order_id = ANY(${orderIds}::text[]) AND status = 'active'
        RETURNING warehouse_id, sku_id, quantity),
      per_sku AS (SELECT warehouse_id, sku_id, sum(quantity)::int AS qty FROM done GROUP BY 1, 2),
      -- Stock rows are locked in the same (warehouse, sku) order as checkout takes them, so two
      -- releases, or a release and a checkout, sharing SKUs cannot deadlock.
      locked AS (
        SELECT s.warehouse_id, s.sku_id FROM stock s JOIN per_sku p USING (warehouse_id, sku_id)
         WHERE s.tenant_id = ${tenantId} ORDER BY s.warehouse_id, s.sku_id FOR UPDATE OF s),
      moved AS (
        UPDATE stock s SET reserved = s.reserved - p.qty,
                           on_hand = s.on_hand - CASE WHEN ${mode} = 'consume' THEN p.qty ELSE 0 END
          FROM per_sku p, locked l
         WHERE s.tenant_id = ${tenantId} AND s.warehouse_id = p.warehouse_id AND s.sku_id = p.sku_id
           AND l.warehouse_id = p.warehouse_id AND l.sku_id = p.sku_id
        RETURNING 1)
      SELECT count(*)::int AS n FROM moved`.execute(db);
    return rows[0]?.n ?? 0;
  },

  /**
   * Gives unpaid orders' subsidies back to their campaigns' budgets. Called only on the one
   * conditional transition to expired or cancelled, so each order gives its subsidy back once.
   */
  async releaseSubsidies(db: Conn, tenantId: string, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await sql`
      UPDATE campaigns c SET spent = c.spent - x.discount
        FROM (SELECT campaign_id, sum(discount) AS discount FROM orders
               WHERE tenant_id = ${tenantId} AND id = ANY(${orderIds}::text[]) AND campaign_id IS NOT NULL GROUP BY 1) x
       WHERE c.tenant_id = ${tenantId} AND c.id = x.campaign_id`.execute(db);
  },

  /** Takes an order's subsidy from its campaign again (a late payment reviving it); false when the budget is gone. */
  async retakeSubsidy(db: Conn, tenantId: string, campaignId: string, discount: number): Promise<boolean> {
    const { rows } = await sql`
      UPDATE campaigns SET spent = spent + ${discount}
       WHERE tenant_id = ${tenantId} AND id = ${campaignId} AND spent + ${discount} <= budget
      RETURNING id`.execute(db);
    return rows.length === 1;
  },

  /** Gives back part of an order's reservation (a refund of goods not yet shipped). */
  async releasePartial(db: Conn, tenantId: string, orderId: string, wants: StockWant[]): Promise<void> {
    if (wants.length === 0) return;
    await sql`
      WITH want AS (SELECT sku_id, sum(qty)::int AS qty FROM unnest(${wants.map((w) => w.sku_id)}::text[], ${wants.map((w) => w.quantity)}::int[]) AS w(sku_id, qty) GROUP BY 1),
      shrunk AS (
        UPDATE stock_reservations r
           SET quantity = r.quantity - want.qty,
               status = CASE WHEN r.quantity - want.qty = 0 THEN 'released' ELSE r.status END,
               updated_at = now()
          FROM want
         WHERE r.tenant_id = ${tenantId} AND r.order_id = ${orderId} AND r.sku_id = want.sku_id
           AND r.status = 'active' AND r.quantity >= want.qty
        RETURNING r.warehouse_id, r.sku_id, want.qty),
      locked AS (  -- same lock order as checkout: no deadlock with carts or other refunds
        SELECT s.warehouse_id, s.sku_id FROM stock s JOIN shrunk USING (warehouse_id, sku_id)
         WHERE s.tenant_id = ${tenantId} ORDER BY s.warehouse_id, s.sku_id FOR UPDATE OF s)
      UPDATE stock s SET reserved = s.reserved - shrunk.qty
        FROM shrunk, locked l
       WHERE s.tenant_id = ${tenantId} AND s.warehouse_id = shrunk.warehouse_id AND s.sku_id = shrunk.sku_id
         AND l.warehouse_id = shrunk.warehouse_id AND l.sku_id = shrunk.sku_id`.execute(db);
  },

  /**
   * The only way an order's status changes: a conditional update from the states the transition
   * table allows. No row back means the order was not in such a state (a race lost, or illegal).
   */
  async transition(db: Conn, tenantId: string, orderId: string, to: OrderStatus, extra: Partial<{ paid_at: Date; closed_at: Date | null; shipped: boolean; refunded_total: number }> = {}) {
    const from = orderMachine.sourcesOf(to);
    const row = await db.updateTable('orders').set({ status: to, ...extra })
      .where('tenant_id', '=', tenantId).where('id', '=', orderId).where('status', 'in', from)
      .returning(['id', 'status']).executeTakeFirst();
    return row !== undefined;
  },

  lockOrder: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', orderId).forUpdate().executeTakeFirst(),

  order: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', orderId).executeTakeFirst(),

  lines: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('order_lines').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('line_no').execute(),

  /** Claims due unpaid orders (skipping ones another worker holds) and expires them in one statement. */
  async expireDue(db: Conn, now: Date, limit: number): Promise<{ tenant_id: string; id: string }[]> {
    const { rows } = await sql<{ tenant_id: string; id: string }>`
      WITH due AS (
        SELECT tenant_id, id FROM orders
         WHERE status = 'pending_payment' AND expires_at <= ${now}
         ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      UPDATE orders o SET status = 'expired', closed_at = ${now}
        FROM due WHERE o.tenant_id = due.tenant_id AND o.id = due.id AND o.status = 'pending_payment'
      RETURNING o.tenant_id, o.id`.execute(db);
    return rows;
  },

  async list(db: Conn, tenantId: string, f: { status?: OrderStatus | undefined; bNodeId?: string | null | undefined; customerId?: string | undefined; limit: number; before?: { created_at: Date; id: string } | undefined; q?: string | undefined }) {
    let q = db.selectFrom('orders as o')
      .innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'o.tenant_id').onRef('c.id', '=', 'o.customer_id'))
      .innerJoin('b_nodes as b', (j) => j.onRef('b.tenant_id', '=', 'o.tenant_id').onRef('b.id', '=', 'o.b_node_id'))
      .select(['o.id', 'o.number', 'o.status', 'o.b_node_id', 'b.name as b_node_name', 'o.customer_id', 'c.name as customer_name', 'c.phone as customer_phone',
        'o.total', 'o.refunded_total', 'o.created_at', 'o.paid_at', 'o.fulfillment'])
      .where('o.tenant_id', '=', tenantId);
    if (f.status) q = q.where('o.status', '=', f.status);
    if (f.bNodeId) q = q.where('o.b_node_id', '=', f.bNodeId);
    if (f.customerId) q = q.where('o.customer_id', '=', f.customerId);
    if (f.q) q = q.where((eb) => eb.or([eb('o.number', '=', f.q!), eb('c.phone', '=', f.q!)]));
    if (f.before) {
      const b = f.before;
      q = q.where((eb) => eb.or([eb('o.created_at', '<', b.created_at), eb.and([eb('o.created_at', '=', b.created_at), eb('o.id', '<', b.id)])]));
    }
    const rows = await q.orderBy('o.created_at', 'desc').orderBy('o.id', 'desc').limit(f.limit).execute();
    return rows.map((r) => ({ ...r, total: fen(r.total), refunded_total: fen(r.refunded_total) }));
  },
};
