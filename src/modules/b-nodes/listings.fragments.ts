import { sql, type RawBuilder } from 'kysely';

/**
 * The body of a CTE taking units from capped listings (an assortment's per-node cap): one
 * conditional UPDATE, `cap_left >= qty`, so concurrent checkouts never sell past the cap. Yields a
 * row per SKU taken; fewer rows than wants means the caller must not place the order.
 */
export function takeListingCaps(tenantId: string, bNodeId: string, wants: { sku_id: string; quantity: number }[]): RawBuilder<unknown> {
  return sql`(UPDATE listings l SET cap_left = l.cap_left - w.qty
        FROM unnest(${wants.map((w) => w.sku_id)}::text[], ${wants.map((w) => w.quantity)}::int[]) AS w(sku_id, qty)
       WHERE l.tenant_id = ${tenantId} AND l.b_node_id = ${bNodeId} AND l.sku_id = w.sku_id AND l.cap_left >= w.qty
      RETURNING l.sku_id)`;
}

/** Active listings curated from an assortment (node, SKU, assortment), to read as a table. */
export function curatedListings(tenantId: string) {
  return sql<{ b_node_id: string; sku_id: string; assortment_id: string }>`(SELECT b_node_id, sku_id, assortment_id FROM listings
      WHERE tenant_id = ${tenantId} AND assortment_id IS NOT NULL AND active)`;
}
