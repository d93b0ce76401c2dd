import type { Conn } from '../../database.js';

export const suppliersRepo = {
  update: (db: Conn, tenantId: string, id: string, patch: { name?: string | undefined; kind?: 'tenant' | 'third_party' | undefined }) =>
    db.updateTable('suppliers').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id)
      .returning(['id', 'name', 'kind', 'created_at']).executeTakeFirst(),

  /** Of the given SKUs, those whose product belongs to the supplier, with what an assortment shows of them. */
  skusOfSupplier: (db: Conn, tenantId: string, supplierId: string, skuIds: string[]) =>
    db.selectFrom('skus as s')
      .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'))
      .select(['s.id', 's.code', 's.name', 'p.title'])
      .where('s.tenant_id', '=', tenantId).where('p.supplier_id', '=', supplierId).where('s.id', 'in', skuIds).execute(),
};
