import { sql, type RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import { textContains } from './catalog.fragments.js';

export interface SkuView {
  id: string; product_id: string; code: string; name: string; supply_price: number;
  suggested_price: number; retail_floor: number; retail_ceiling: number;
  barcode: string | null; case_pack: number; min_order_qty: number; attributes: Record<string, string>;
}

function toSku(r: SkuView): SkuView {
  return {
    id: r.id, product_id: r.product_id, code: r.code, name: r.name,
    supply_price: r.supply_price, suggested_price: r.suggested_price,
    retail_floor: r.retail_floor, retail_ceiling: r.retail_ceiling,
    barcode: r.barcode, case_pack: r.case_pack, min_order_qty: r.min_order_qty, attributes: r.attributes,
  };
}

const SKU_COLUMNS = ['s.id', 's.product_id', 's.code', 's.name', 's.supply_price', 's.suggested_price', 's.retail_floor', 's.retail_ceiling',
  's.barcode', 's.case_pack', 's.min_order_qty', 's.attributes'] as const;
const PRODUCT_COLUMNS = ['id', 'supplier_id', 'title', 'description', 'category', 'category_id', 'attributes', 'image_url', 'created_at'] as const;

/** `text` as a LIKE pattern matching it anywhere, its wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ProductFilters {
  supplierId?: string | undefined;
  q?: string | undefined;
  categoryId?: string | undefined;
  lowStock?: { atMost: number; freeStock: RawBuilder<unknown> } | undefined;
}

export const catalogRepo = {
  toSku,
  supplier: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('suppliers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  suppliers: (db: Conn, tenantId: string) =>
    db.selectFrom('suppliers').select(['id', 'name', 'kind', 'created_at']).where('tenant_id', '=', tenantId).orderBy('name').execute(),
  product: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('products').select(PRODUCT_COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  products: (db: Conn, tenantId: string, filters: ProductFilters = {}) => {
    let q = db.selectFrom('products as p').select(PRODUCT_COLUMNS.map((c) => `p.${c}` as const)).where('p.tenant_id', '=', tenantId);
    if (filters.supplierId) q = q.where('p.supplier_id', '=', filters.supplierId);
    if (filters.categoryId) {
      q = q.where(sql<boolean>`p.category_id IN (WITH RECURSIVE sub AS (
          SELECT id FROM categories WHERE tenant_id = ${tenantId} AND id = ${filters.categoryId}
          UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id WHERE c.tenant_id = ${tenantId})
        SELECT id FROM sub)`);
    }
    if (filters.q) {
      const text = filters.q;
      q = q.where(sql<boolean>`(${textContains(sql.ref('p.title'), text)} OR p.id IN (
          SELECT product_id FROM skus WHERE tenant_id = ${tenantId} AND (code ILIKE ${containsPattern(text)} OR barcode = ${text})))`);
    }
    if (filters.lowStock) {
      q = q.where(sql<boolean>`p.id IN (
          SELECT s.product_id FROM skus s
            LEFT JOIN (SELECT sku_id, sum(on_hand - reserved) AS free FROM ${filters.lowStock.freeStock} f GROUP BY sku_id) st ON st.sku_id = s.id
           WHERE s.tenant_id = ${tenantId} AND coalesce(st.free, 0) <= ${filters.lowStock.atMost})`);
    }
    return q.orderBy('p.created_at').orderBy('p.id').limit(1000).execute();
  },
  async skusOfProducts(db: Conn, tenantId: string, productIds: string[]): Promise<SkuView[]> {
    if (productIds.length === 0) return [];
    const rows = await db.selectFrom('skus as s').select(SKU_COLUMNS).where('s.tenant_id', '=', tenantId).where('s.product_id', 'in', productIds).orderBy('s.code').execute();
    return rows.map(toSku);
  },
  async skusByIds(db: Conn, tenantId: string, ids: string[]): Promise<(SkuView & { title: string; supplier_id: string })[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('skus as s')
      .innerJoin('products as p', (j) => j.onRef('p.tenant_id', '=', 's.tenant_id').onRef('p.id', '=', 's.product_id'))
      .select([...SKU_COLUMNS, 'p.title', 'p.supplier_id'])
      .where('s.tenant_id', '=', tenantId).where('s.id', 'in', ids).execute();
    return rows.map((r) => ({ ...toSku(r), title: r.title, supplier_id: r.supplier_id }));
  },
  /** Free stock per SKU over all warehouses, from the stock rows the caller supplies (inventory's fragment). */
  async freeStockOf(db: Conn, skuIds: string[], freeStock: RawBuilder<unknown>): Promise<Map<string, number>> {
    if (skuIds.length === 0) return new Map();
    const { rows } = await sql<{ sku_id: string; free: number }>`SELECT sku_id, sum(on_hand - reserved)::int AS free FROM ${freeStock} f
        WHERE sku_id = ANY(${skuIds}::text[]) GROUP BY sku_id`.execute(db);
    return new Map(rows.map((r) => [r.sku_id, r.free]));
  },

  categories: (db: Conn, tenantId: string) =>
    db.selectFrom('categories').select(['id', 'parent_id', 'name', 'position']).where('tenant_id', '=', tenantId)
      .orderBy('position').orderBy(sql`name COLLATE catalog_zh`).orderBy('id').execute(),
  category: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('categories').select(['id', 'parent_id', 'name', 'position']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
  /** Serialises changes to one tenant's category tree, so two concurrent moves cannot make a cycle together. */
  lockCategoryTree: (db: Conn, tenantId: string) => sql`SELECT pg_advisory_xact_lock(hashtext('categories'), hashtext(${tenantId}))`.execute(db),
  /** The ids from `id` up to its root, `id` first. */
  async ancestry(db: Conn, tenantId: string, id: string): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`WITH RECURSIVE up AS (
        SELECT id, parent_id, 1 AS depth FROM categories WHERE tenant_id = ${tenantId} AND id = ${id}
        UNION ALL SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id
         WHERE c.tenant_id = ${tenantId} AND up.depth < 100)
      SELECT id FROM up ORDER BY depth`.execute(db);
    return rows.map((r) => r.id);
  },
  /** Levels below `id` (0 for a leaf). */
  async subtreeHeight(db: Conn, tenantId: string, id: string): Promise<number> {
    const { rows } = await sql<{ height: number }>`WITH RECURSIVE down AS (
        SELECT id, 0 AS depth FROM categories WHERE tenant_id = ${tenantId} AND id = ${id}
        UNION ALL SELECT c.id, down.depth + 1 FROM categories c JOIN down ON c.parent_id = down.id
         WHERE c.tenant_id = ${tenantId} AND down.depth < 100)
      SELECT max(depth)::int AS height FROM down`.execute(db);
    return rows[0]?.height ?? 0;
  },
  categoryInUse: async (db: Conn, tenantId: string, id: string) => {
    const { rows } = await sql<{ used: boolean }>`SELECT EXISTS (SELECT 1 FROM categories WHERE tenant_id = ${tenantId} AND parent_id = ${id})
        OR EXISTS (SELECT 1 FROM products WHERE tenant_id = ${tenantId} AND category_id = ${id}) AS used`.execute(db);
    return rows[0]!.used;
  },

  imagesOfProducts: (db: Conn, tenantId: string, productIds: string[]) =>
    productIds.length === 0 ? Promise.resolve([]) : db.selectFrom('product_images').select(['id', 'product_id', 'position', 'key', 'format', 'width', 'height'])
      .where('tenant_id', '=', tenantId).where('product_id', 'in', productIds).orderBy('product_id').orderBy('position').execute(),
};
