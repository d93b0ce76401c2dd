import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { skuFacts } from '../catalog/catalog.fragments.js';
import { reservationCtes, type StockWant } from './inventory.fragments.js';

export const inventoryRepo = {
  warehouse: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('warehouses').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),

  /** The tenant's warehouses; with `supplierId`, the tenant's own and that supplier's, never another supplier's. */
  warehouses: (db: Conn, tenantId: string, supplierId?: string) => {
    let q = db.selectFrom('warehouses').select(['id', 'name', 'supplier_id']).where('tenant_id', '=', tenantId);
    if (supplierId !== undefined) q = q.where((w) => w.or([w('supplier_id', 'is', null), w('supplier_id', '=', supplierId)]));
    return q.orderBy('name').execute();
  },

  insertWarehouse: (db: Conn, row: { tenant_id: string; id: string; name: string; supplier_id: string | null }) => db.insertInto('warehouses').values(row).execute(),

  /** Sets on-hand stock; refused (no row) when it would drop below what open orders hold. */
  setOnHand: (db: Conn, tenantId: string, warehouseId: string, skuId: string, onHand: number) =>
    sql<{ on_hand: number; reserved: number }>`
      INSERT INTO stock (tenant_id, warehouse_id, sku_id, on_hand, reserved)
      VALUES (${tenantId}, ${warehouseId}, ${skuId}, ${onHand}, 0)
      ON CONFLICT (tenant_id, warehouse_id, sku_id) DO UPDATE SET on_hand = EXCLUDED.on_hand
        WHERE stock.reserved <= EXCLUDED.on_hand
      RETURNING on_hand, reserved`.execute(db),

  /** A warehouse's stock, of one supplier's SKUs when `supplierId` is given. */
  stockList: (db: Conn, tenantId: string, warehouseId: string, supplierId?: string) => {
    let q = db.selectFrom('stock as st')
      .innerJoin(skuFacts(tenantId).as('s'), (j) => j.onRef('s.id', '=', 'st.sku_id'))
      .select(['st.sku_id', 's.code', 's.name', 'st.on_hand', 'st.reserved'])
      .where('st.tenant_id', '=', tenantId).where('st.warehouse_id', '=', warehouseId);
    if (supplierId !== undefined) q = q.where('s.supplier_id', '=', supplierId);
    return q.orderBy('s.code').execute();
  },

  /** Reserves stock for SKUs with the checkout rule (a late payment reviving an expired order); returns the SKUs taken. */
  async reserveStock(db: Conn, tenantId: string, warehouseId: string, wants: StockWant[]): Promise<Set<string>> {
    const { rows } = await sql<{ sku_id: string }>`
      WITH ${reservationCtes(tenantId, warehouseId, wants)}
      SELECT sku_id FROM reserved`.execute(db);
    return new Set(rows.map((r) => r.sku_id));
  },

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
   * Reserves again for an unshipped order what a refund had given back, all or nothing: when any SKU
   * no longer has that much free stock (sold meanwhile), nothing changes and false comes back.
   */
  async holdAgain(db: Conn, tenantId: string, orderId: string, wants: StockWant[]): Promise<boolean> {
    if (wants.length === 0) return true;
    const { rows } = await sql<{ held: boolean }>`
      WITH want AS (SELECT sku_id, sum(qty)::int AS qty FROM unnest(${wants.map((w) => w.sku_id)}::text[], ${wants.map((w) => w.quantity)}::int[]) AS w(sku_id, qty) GROUP BY 1),
      res AS (
        SELECT r.warehouse_id, r.sku_id, want.qty FROM stock_reservations r JOIN want USING (sku_id)
         WHERE r.tenant_id = ${tenantId} AND r.order_id = ${orderId} AND r.status IN ('active', 'released')),
      locked AS (  -- same lock order as checkout
        SELECT s.warehouse_id, s.sku_id, s.on_hand, s.reserved FROM stock s JOIN res USING (warehouse_id, sku_id)
         WHERE s.tenant_id = ${tenantId} ORDER BY s.warehouse_id, s.sku_id FOR UPDATE OF s),
      ok AS (
        SELECT (SELECT count(*) FROM locked l JOIN res USING (warehouse_id, sku_id) WHERE l.on_hand - l.reserved >= res.qty)
               = (SELECT count(*) FROM want) AS held),
      stock_up AS (
        UPDATE stock s SET reserved = s.reserved + res.qty FROM res, ok
         WHERE ok.held AND s.tenant_id = ${tenantId} AND s.warehouse_id = res.warehouse_id AND s.sku_id = res.sku_id RETURNING 1),
      res_up AS (
        UPDATE stock_reservations r SET quantity = r.quantity + res.qty, status = 'active', updated_at = now() FROM res, ok
         WHERE ok.held AND r.tenant_id = ${tenantId} AND r.order_id = ${orderId} AND r.sku_id = res.sku_id AND r.status IN ('active', 'released') RETURNING 1)
      SELECT held FROM ok`.execute(db);
    return rows[0]?.held ?? false;
  },
};
