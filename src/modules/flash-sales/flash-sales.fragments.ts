import { sql, type RawBuilder } from 'kysely';

/**
 * A flash sale of a shop as checkout reads it, with what the buyer already holds of it: a LATERAL
 * subquery of one row or none (none too when `saleId` is null, so carts without one read nothing).
 */
export function flashSaleForCheckout(tenantId: string, bNodeId: RawBuilder<unknown>, saleId: string | null, customerId: string | null) {
  return sql`(SELECT f.id AS flash_id, f.sku_id AS flash_sku_id, f.price AS flash_price, f.stock_cap - f.sold AS flash_left,
            f.per_customer_limit AS flash_limit, f.starts_at AS flash_starts_at, f.ends_at AS flash_ends_at, f.status AS flash_status,
            coalesce((SELECT bought FROM flash_sale_buyers fb WHERE fb.tenant_id = f.tenant_id AND fb.flash_sale_id = f.id AND fb.customer_id = ${customerId}), 0) AS flash_bought
       FROM flash_sales f
      WHERE f.tenant_id = ${tenantId} AND f.id = ${saleId} AND f.b_node_id = ${bNodeId})`;
}

/**
 * Whether the sale (of the shop given as a `b_node_id` row source) has no unit left: one boolean,
 * false when there is no such sale, so only a sale that exists and is sold out is refused early.
 */
export function flashSaleSoldOut(tenantId: string, shop: RawBuilder<unknown>, saleId: string): RawBuilder<boolean> {
  return sql<boolean>`coalesce((SELECT f.sold >= f.stock_cap FROM flash_sales f JOIN ${shop} s ON s.b_node_id = f.b_node_id
      WHERE f.tenant_id = ${tenantId} AND f.id = ${saleId}), false)`;
}

export interface FlashTake { tenantId: string; saleId: string; customerId: string; quantity: number; limit: number; now: Date }

/**
 * The CTEs taking a flash sale's units in checkout's write: `flash_units` (the sale's counter,
 * conditional `sold + qty <= stock_cap` while it runs) and `flash_limit` (the buyer's row, inserted
 * or raised only while `bought + qty <= per_customer_limit`). Each yields one row or none; the
 * order is placed only when both do. The limit is immutable once the sale exists, so the value
 * read earlier is the one to hold.
 */
export function takeFlashUnits(t: FlashTake): RawBuilder<unknown> {
  return sql`flash_units AS (
      UPDATE flash_sales SET sold = sold + ${t.quantity}
       WHERE tenant_id = ${t.tenantId} AND id = ${t.saleId} AND status = 'active'
         AND starts_at <= ${t.now} AND ends_at > ${t.now} AND sold + ${t.quantity} <= stock_cap
      RETURNING id),
    flash_limit AS (
      INSERT INTO flash_sale_buyers AS fb (tenant_id, flash_sale_id, customer_id, bought)
      SELECT ${t.tenantId}, ${t.saleId}, ${t.customerId}, ${t.quantity}::int WHERE ${t.quantity}::int <= ${t.limit}::int
      ON CONFLICT (tenant_id, flash_sale_id, customer_id) DO UPDATE SET bought = fb.bought + EXCLUDED.bought
       WHERE fb.bought + EXCLUDED.bought <= ${t.limit}::int
      RETURNING 1)`;
}

/** The body of a CTE recording what the placed order (from `orderIds`, none when not placed) took of the sale. */
export function recordFlashOrder(t: FlashTake, orderIds: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(INSERT INTO flash_sale_orders (tenant_id, order_id, flash_sale_id, customer_id, quantity)
      SELECT ${t.tenantId}, o.id, ${t.saleId}, ${t.customerId}, ${t.quantity}::int FROM ${orderIds} o
      RETURNING 1)`;
}
