import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';

export interface SkuView {
  id: string; product_id: string; code: string; name: string; supply_price: number;
  suggested_price: number; retail_floor: number; retail_ceiling: number;
}

function toSku(r: SkuView): SkuView {
  return {
    id: r.id, product_id: r.product_id, code: r.code, name: r.name,
    supply_price: r.supply_price, suggested_price: r.suggested_price,
    retail_floor: r.retail_floor, retail_ceiling: r.retail_ceiling,
  };
}

export const catalogRepo = {
  toSku,
  supplier: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('suppliers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  suppliers: (db: Conn, tenantId: string) =>
    db.selectFrom('suppliers').select(['id', 'name', 'created_at']).where('tenant_id', '=', tenantId).orderBy('name').execute(),
  product: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('products').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  products: (db: Conn, tenantId: string, supplierId?: string) => {
    let q = db.selectFrom('products').select(['id', 'supplier_id', 'title', 'description', 'category', 'image_url', 'created_at'])
      .where('tenant_id', '=', tenantId);
    if (supplierId) q = q.where('supplier_id', '=', supplierId);
    return q.orderBy('created_at').orderBy('id').execute();
  },
  async skusOfProducts(db: Conn, tenantId: string, productIds: string[]): Promise<SkuView[]> {
    if (productIds.length === 0) return [];
    const rows = await db.selectFrom('skus').selectAll().where('tenant_id', '=', tenantId).where('product_id', 'in', productIds).orderBy('code').execute();
    return rows.map(toSku);
  },
  async skusByIds(db: Conn, tenantId: string, ids: string[]): Promise<(SkuView & { title: string; supplier_id: string })[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('skus as s')
      .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'))
      .select(['s.id', 's.product_id', 's.code', 's.name', 's.supply_price', 's.suggested_price', 's.retail_floor', 's.retail_ceiling', 'p.title', 'p.supplier_id'])
      .where('s.tenant_id', '=', tenantId).where('s.id', 'in', ids).execute();
    return rows.map((r) => ({ ...toSku(r), title: r.title, supplier_id: r.supplier_id }));
  },
  warehouse: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('warehouses').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  warehouses: (db: Conn, tenantId: string) =>
    db.selectFrom('warehouses').select(['id', 'name']).where('tenant_id', '=', tenantId).orderBy('name').execute(),
  /** Sets on-hand stock; refused (no row) when it would drop below what open orders hold. */
  setOnHand: (db: Conn, tenantId: string, warehouseId: string, skuId: string, onHand: number) =>
    sql<{ on_hand: number; reserved: number }>`
      INSERT INTO stock (tenant_id, warehouse_id, sku_id, on_hand, reserved)
      VALUES (${tenantId}, ${warehouseId}, ${skuId}, ${onHand}, 0)
      ON CONFLICT (tenant_id, warehouse_id, sku_id) DO UPDATE SET on_hand = EXCLUDED.on_hand
        WHERE stock.reserved <= EXCLUDED.on_hand
      RETURNING on_hand, reserved`.execute(db),
  stockOf: (db: Conn, tenantId: string, warehouseId: string, skuIds: string[]) =>
    skuIds.length === 0 ? Promise.resolve([]) :
      db.selectFrom('stock').select(['sku_id', 'on_hand', 'reserved'])
        .where('tenant_id', '=', tenantId).where('warehouse_id', '=', warehouseId).where('sku_id', 'in', skuIds).execute(),
  stockList: (db: Conn, tenantId: string, warehouseId: string) =>
    db.selectFrom('stock as st')
      .innerJoin('skus as s', (j) => j.onRef('s.tenant_id', '=', 'st.tenant_id').onRef('s.id', '=', 'st.sku_id'))
      .select(['st.sku_id', 's.code', 's.name', 'st.on_hand', 'st.reserved'])
      .where('st.tenant_id', '=', tenantId).where('st.warehouse_id', '=', warehouseId).orderBy('s.code').execute(),
};
