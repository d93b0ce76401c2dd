import { sql, type RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import { skuFacts, skuShopFacts, textContains } from '../catalog/catalog.fragments.js';
import { freeStock } from '../inventory/inventory.fragments.js';

export interface ShopListingRow {
  sku_id: string; code: string; sku_name: string; product_id: string; title: string; description: string; category: string;
  category_id: string | null; image_url: string | null; cover_key: string | null; cover_format: 'webp' | 'jpeg' | null;
  sku_attributes: Record<string, string>; retail_price: number; position: number; available: number; sold: number; matches: boolean;
}

export const shopCatalogRepo = {
  /**
   * A shop's active listings with what its pages show: category, cover image, per-SKU free stock
   * in the shop's warehouse, units sold, and whether the product matches the search text `q`
   * (title or SKU name). One statement, ordered by title in pinyin order (collation catalog_zh),
   * a product's SKUs in the order they were added.
   */
  async listings(db: Conn, tenantId: string, bNodeId: string, options: { productId?: string | undefined; q?: string | undefined }): Promise<ShopListingRow[]> {
    const matches: RawBuilder<boolean> = options.q
      ? sql<boolean>`(${textContains(sql.ref('s.title'), options.q)} OR ${textContains(sql.ref('s.name'), options.q)})`
      : sql<boolean>`true`;
    let q = db.selectFrom('listings as l')
      .innerJoin(skuFacts(tenantId).as('s'), (j) => j.onRef('s.id', '=', 'l.sku_id'))
      .innerJoin(skuShopFacts(tenantId).as('f'), (j) => j.onRef('f.id', '=', 'l.sku_id'))
      .innerJoin('b_nodes as b', (j) => j.onRef('b.tenant_id', '=', 'l.tenant_id').onRef('b.id', '=', 'l.b_node_id'))
      .leftJoin(freeStock(tenantId).as('st'), (j) => j.onRef('st.sku_id', '=', 'l.sku_id').onRef('st.warehouse_id', '=', 'b.warehouse_id'))
      .leftJoin('listing_sales as ls', (j) => j.onRef('ls.tenant_id', '=', 'l.tenant_id').onRef('ls.b_node_id', '=', 'l.b_node_id').onRef('ls.sku_id', '=', 'l.sku_id'))
      .select(['l.sku_id', 'l.retail_price', 'l.position', 's.code', 's.name as sku_name', 's.product_id', 's.title', 's.description', 's.category', 's.image_url',
        'f.category_id', 'f.sku_attributes', 'f.cover_key', 'f.cover_format', 'st.on_hand', 'st.reserved', 'ls.sold', matches.as('matches')])
      .where('l.tenant_id', '=', tenantId).where('l.b_node_id', '=', bNodeId).where('l.active', '=', true);
    if (options.productId !== undefined) q = q.where('s.product_id', '=', options.productId);
    const rows = await q.orderBy(sql`s.title COLLATE catalog_zh`).orderBy('s.product_id').orderBy('f.sku_created_at').orderBy('s.code').execute();
    return rows.map((r) => ({
      sku_id: r.sku_id, code: r.code, sku_name: r.sku_name, product_id: r.product_id, title: r.title, description: r.description,
      category: r.category, category_id: r.category_id, image_url: r.image_url, cover_key: r.cover_key, cover_format: r.cover_format,
      sku_attributes: r.sku_attributes, retail_price: r.retail_price, position: r.position,
      available: Math.max(0, (r.on_hand ?? 0) - (r.reserved ?? 0)), sold: r.sold ?? 0, matches: r.matches,
    }));
  },

  /** Refreshes the sales counters from `soldUnits` (orders' fragment: tenant, node, SKU, units); rows that did not change are left alone. */
  async refreshSales(db: Conn, soldUnits: RawBuilder<unknown>): Promise<number> {
    const result = await sql`INSERT INTO listing_sales (tenant_id, b_node_id, sku_id, sold)
        SELECT tenant_id, b_node_id, sku_id, greatest(sold, 0) FROM ${soldUnits} u
        ON CONFLICT (tenant_id, b_node_id, sku_id) DO UPDATE SET sold = EXCLUDED.sold, updated_at = now()
         WHERE listing_sales.sold <> EXCLUDED.sold`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  },

  /** Gives the named products' listings in a shop positions 1, 2, 3… in the order given; the rest keep theirs. */
  async orderListings(db: Conn, tenantId: string, bNodeId: string, productIds: string[]) {
    await sql`UPDATE listings l SET position = o.position, updated_at = now()
        FROM ${skuFacts(tenantId)} s, unnest(${productIds}::text[]) WITH ORDINALITY AS o(product_id, position)
       WHERE l.tenant_id = ${tenantId} AND l.b_node_id = ${bNodeId} AND s.id = l.sku_id AND s.product_id = o.product_id`.execute(db);
  },
};
