import { sql } from 'kysely';

/** SQL other modules join to read B-node facts inside their own statements. */

/** The shop a slug names, only within the given tenant: one row or none. */
export function shopBySlug(tenantId: string, slug: string) {
  return sql`(SELECT b.tenant_id, b.id AS b_node_id, b.name, b.slug, b.pickup_address, b.warehouse_id
       FROM shop_routes r JOIN b_nodes b ON b.tenant_id = r.tenant_id AND b.id = r.b_node_id
      WHERE r.slug = ${slug} AND r.tenant_id = ${tenantId})`;
}

/**
 * Active listings of the given SKUs in the tenant's shops, to join by `b_node_id`: price, the supply
 * price of the assortment a listing was curated from (null: the SKU's own), and what is left of an
 * assortment's per-node cap (null: no cap).
 */
export function listedPrices(tenantId: string, skuIds: string[]) {
  return sql`(SELECT b_node_id, sku_id, retail_price, supply_price, cap_left FROM listings
      WHERE tenant_id = ${tenantId} AND active AND sku_id = ANY(${skuIds}::text[]))`;
}

/** Each B node's name and commission policy, to join by `id`. */
export function nodeFacts(tenantId: string) {
  return sql<{ id: string; name: string; commission_policy_id: string | null }>`(SELECT id, name, commission_policy_id FROM b_nodes WHERE tenant_id = ${tenantId})`;
}

/** Each node's pickup point (where its buyers collect), to join by `id`. */
export function pickupPoints(tenantId: string) {
  return sql<{ id: string; name: string; kind: string; pickup_address: string; pickup_hours: string; pickup_lat: number | null; pickup_lng: number | null }>`(
    SELECT id, name, kind, pickup_address, pickup_hours, pickup_lat, pickup_lng FROM b_nodes WHERE tenant_id = ${tenantId})`;
}
