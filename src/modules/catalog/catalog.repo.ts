import type { Conn } from '../../database.js';

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
    db.selectFrom('suppliers').select(['id', 'name', 'kind', 'created_at']).where('tenant_id', '=', tenantId).orderBy('name').execute(),
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
};
