import type { Conn } from '../../database.js';
import { skuFacts } from '../catalog/catalog.fragments.js';
import { freeStock } from '../inventory/inventory.fragments.js';

export const bNodeRepo = {
  byId: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('b_nodes').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  list: (db: Conn, tenantId: string) =>
    db.selectFrom('b_nodes').select(['id', 'kind', 'name', 'slug', 'warehouse_id', 'pickup_address', 'created_at'])
      .where('tenant_id', '=', tenantId).orderBy('name').execute(),
  /** The B node a public shop link names, found through the slug's route in one statement. */
  bySlug: (db: Conn, slug: string) =>
    db.selectFrom('shop_routes as r')
      .innerJoin('b_nodes as b', (j) => j.onRef('b.tenant_id', '=', 'r.tenant_id').onRef('b.id', '=', 'r.b_node_id'))
      .selectAll('b').where('r.slug', '=', slug).executeTakeFirst(),
  async listings(db: Conn, tenantId: string, bNodeId: string, onlyActive: boolean, productId?: string) {
    let q = db.selectFrom('listings as l')
      .innerJoin(skuFacts(tenantId).as('s'), (j) => j.onRef('s.id', '=', 'l.sku_id'))
      .innerJoin('b_nodes as b', (j) => j.onRef('b.tenant_id', '=', 'l.tenant_id').onRef('b.id', '=', 'l.b_node_id'))
      .leftJoin(freeStock(tenantId).as('st'), (j) => j.onRef('st.sku_id', '=', 'l.sku_id').onRef('st.warehouse_id', '=', 'b.warehouse_id'))
      .select(['l.sku_id', 'l.retail_price', 'l.active', 'l.assortment_id', 'l.pause_reason', 'l.cap_left', 'l.supply_price as listed_supply_price', 's.code', 's.name as sku_name', 's.product_id', 's.retail_floor', 's.retail_ceiling', 's.suggested_price', 's.supply_price',
        's.title', 's.description', 's.category', 's.image_url', 'st.on_hand', 'st.reserved'])
      .where('l.tenant_id', '=', tenantId).where('l.b_node_id', '=', bNodeId);
    if (onlyActive) q = q.where('l.active', '=', true);
    if (productId !== undefined) q = q.where('s.product_id', '=', productId);
    const rows = await q.orderBy('s.title').orderBy('s.code').execute();
    return rows.map((r) => ({
      sku_id: r.sku_id, code: r.code, sku_name: r.sku_name, product_id: r.product_id, title: r.title,
      description: r.description, category: r.category, image_url: r.image_url, active: r.active,
      retail_price: r.retail_price, retail_floor: r.retail_floor, retail_ceiling: r.retail_ceiling,
      // A listing curated from an assortment costs what that assortment offered it at.
      suggested_price: r.suggested_price, supply_price: r.listed_supply_price ?? r.supply_price,
      assortment_id: r.assortment_id, pause_reason: r.pause_reason, cap_left: r.cap_left,
      available: Math.max(0, (r.on_hand ?? 0) - (r.reserved ?? 0)),
    }));
  },
};
