import { sql, type RawBuilder } from 'kysely';
import type { Fen } from '../../platform/money.js';

/**
 * SQL other modules join to read catalog facts inside their own statements (the catalog owns
 * suppliers, products and SKUs; nobody else names those tables).
 */

/** Each SKU's code and name, to join by `id`. */
export function skuLabels(tenantId: string) {
  return sql<{ id: string; code: string; name: string }>`(SELECT id, code, name FROM skus WHERE tenant_id = ${tenantId})`;
}

/**
 * The tenant's SKUs and products as two tables, for a statement that joins them to its own rows
 * one by one (checkout's snapshot of code, name, title and supply cost): kept apart so the planner
 * can look each up by key instead of joining the whole catalog first.
 */
export function skuRows(tenantId: string) {
  return sql`(SELECT id, product_id, code, name, supply_price FROM skus WHERE tenant_id = ${tenantId})`;
}
export function productRows(tenantId: string) {
  return sql`(SELECT id, title FROM products WHERE tenant_id = ${tenantId})`;
}

/** Each SKU's supplier, suggested price and supply price, to join by `id`. */
export function skuFacts(tenantId: string) {
  return sql<{ id: string; supplier_id: string; code: string; name: string; product_id: string; suggested_price: Fen; supply_price: Fen; retail_floor: Fen; retail_ceiling: Fen; title: string; description: string; category: string; image_url: string | null }>`(
    SELECT s.id, p.supplier_id, s.code, s.name, s.product_id, s.suggested_price, s.supply_price, s.retail_floor, s.retail_ceiling,
           p.title, p.description, p.category, p.image_url
      FROM skus s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
     WHERE s.tenant_id = ${tenantId})`;
}

/** The tenant's average suggested and supply price over its SKUs (the typical order before any sale), as one row. */
export function skuPriceAverages(tenantId: string) {
  return sql`(SELECT round(avg(suggested_price))::bigint AS price, round(avg(supply_price))::bigint AS cogs FROM skus WHERE tenant_id = ${tenantId})`;
}

/**
 * What a shop shows of each SKU beyond its price: the product's category, the SKU's attributes
 * (size, colour), when the SKU was added (a product's sizes show in the order they were made)
 * and the product's cover image (the first by position, as storage key and format),
 * to join by `id` (the SKU's).
 */
export function skuShopFacts(tenantId: string) {
  return sql<{ id: string; category_id: string | null; sku_attributes: Record<string, string>; cover_key: string | null; cover_format: 'webp' | 'jpeg' | null; sku_created_at: Date }>`(
    SELECT s.id, s.created_at AS sku_created_at, p.category_id, s.attributes AS sku_attributes, cover.key AS cover_key, cover.format AS cover_format
      FROM skus s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
      LEFT JOIN LATERAL (SELECT i.key, i.format FROM product_images i
                          WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id ORDER BY i.position LIMIT 1) cover ON true
     WHERE s.tenant_id = ${tenantId})`;
}

/**
 * Whether the text `column` contains `text`, served by the trigram index on catalog_search_key
 * where there is one (see migration 019): the key narrows, ILIKE rechecks. Chinese of one or two
 * characters works as well as a word.
 */
export function textContains(column: RawBuilder<unknown>, text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`(catalog_search_key(${column}) LIKE '%' || catalog_search_key(${text}) || '%' AND ${column} ILIKE ${pattern})`;
}

/** What a purchase order needs of each SKU: its supplier, case pack, minimum order quantity and labels, to join by `id`. */
export function skuSupplyTerms(tenantId: string) {
  return sql<{ id: string; supplier_id: string; code: string; name: string; title: string; case_pack: number; min_order_qty: number; supply_price: Fen }>`(
    SELECT s.id, p.supplier_id, s.code, s.name, p.title, s.case_pack, s.min_order_qty, s.supply_price
      FROM skus s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
     WHERE s.tenant_id = ${tenantId})`;
}

/** Each supplier's name, to join by `id`. */
export function supplierNames(tenantId: string) {
  return sql<{ id: string; name: string }>`(SELECT id, name FROM suppliers WHERE tenant_id = ${tenantId})`;
}

/**
 * A product's category and every category above it (at most five levels), as one row with an
 * array, or an empty array without a category: a LATERAL subquery correlated on the product id
 * expression (coupons aimed at a category reach its whole subtree).
 */
export function productCategoryPath(tenantId: string, productId: RawBuilder<unknown>) {
  return sql<{ category_path: string[] }>`(SELECT coalesce(array_agg(c.id), '{}') AS category_path FROM products p
       JOIN categories c0 ON c0.tenant_id = p.tenant_id AND c0.id = p.category_id
       LEFT JOIN categories c1 ON c1.tenant_id = p.tenant_id AND c1.id = c0.parent_id
       LEFT JOIN categories c2 ON c2.tenant_id = p.tenant_id AND c2.id = c1.parent_id
       LEFT JOIN categories c3 ON c3.tenant_id = p.tenant_id AND c3.id = c2.parent_id
       LEFT JOIN categories c4 ON c4.tenant_id = p.tenant_id AND c4.id = c3.parent_id
       CROSS JOIN LATERAL unnest(ARRAY[c0.id, c1.id, c2.id, c3.id, c4.id]) AS c(id)
      WHERE p.tenant_id = ${tenantId} AND p.id = ${productId} AND c.id IS NOT NULL)`;
}
