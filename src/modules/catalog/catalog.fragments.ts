import { sql } from 'kysely';
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
