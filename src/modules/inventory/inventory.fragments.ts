import { sql, type RawBuilder } from 'kysely';

/** What an order wants of one SKU. */
export interface StockWant { sku_id: string; quantity: number }

/**
 * The one stock-taking rule, as CTEs `want` (SKU, qty) and `reserved` (the SKUs taken): lock the
 * rows in SKU order, so carts sharing SKUs cannot deadlock, then add to `reserved` only where
 * `on_hand - reserved` covers the quantity. A SKU without enough free stock is simply absent from
 * `reserved`; the caller decides what a short answer means. Used by checkout (inside its one write
 * statement) and by a late payment reviving an expired order.
 */
export function reservationCtes(tenantId: string, warehouseId: string, wants: StockWant[]): RawBuilder<unknown> {
  const skuIds = wants.map((w) => w.sku_id);
  // The SKUs also as `sku_id = ANY(...)` on stock itself: the statement is planned once for any
  // cart (a generic plan), and without it the plan hash-joined the cart to every stock row of the
  // warehouse, twice per checkout; with it both steps probe the primary key.
  return sql`want AS (SELECT * FROM unnest(${skuIds}::text[], ${wants.map((w) => w.quantity)}::int[]) AS w(sku_id, qty)),
      locked AS (
        SELECT s.sku_id FROM stock s
         WHERE s.tenant_id = ${tenantId} AND s.warehouse_id = ${warehouseId} AND s.sku_id = ANY(${skuIds}::text[])
         ORDER BY s.sku_id FOR UPDATE OF s),
      reserved AS (
        UPDATE stock s SET reserved = s.reserved + want.qty
          FROM want, locked
         WHERE s.tenant_id = ${tenantId} AND s.warehouse_id = ${warehouseId} AND s.sku_id = ANY(${skuIds}::text[])
           AND s.sku_id = want.sku_id AND locked.sku_id = want.sku_id
           AND s.on_hand - s.reserved >= want.qty
        RETURNING s.sku_id)`;
}

/**
 * The body of a CTE recording an order's reservations, one per wanted SKU, for the order ids the
 * query `orderIds` yields (none when the order was not placed). Needs `reservationCtes`' `want`.
 */
export function insertReservations(tenantId: string, warehouseId: string, orderIds: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(INSERT INTO stock_reservations (tenant_id, order_id, sku_id, warehouse_id, quantity, status)
        SELECT ${tenantId}, o.id, w.sku_id, ${warehouseId}, w.qty, 'active' FROM ${orderIds} o, want w
        RETURNING 1)`;
}

/** Free stock of each SKU in a warehouse (on hand less reserved), to join by `sku_id` and `warehouse_id`. */
export function freeStock(tenantId: RawBuilder<unknown> | string) {
  return sql<{ warehouse_id: string; sku_id: string; on_hand: number; reserved: number }>`(SELECT warehouse_id, sku_id, on_hand, reserved FROM stock WHERE tenant_id = ${tenantId})`;
}

/** Each warehouse's name, to join by `id`. */
export function warehouseNames(tenantId: string) {
  return sql<{ id: string; name: string }>`(SELECT id, name FROM warehouses WHERE tenant_id = ${tenantId})`;
}
