import { sql } from 'kysely';
import { salesWindowRows } from '../fulfilment/fulfilment.fragments.js';

/**
 * Checkout's read of a pre-sale: whether it takes orders now (its window open, its cutoff ahead)
 * and its SKUs. One row, or none for no such pre-sale (and for a null id: the cart is no pre-sale's).
 */
export function presaleTerms(tenantId: string, presaleId: string | null, now: Date) {
  return sql<{ presale_id: string; presale_open: boolean; presale_skus: string[] }>`(
    SELECT p.id AS presale_id, (w.status = 'open' AND w.opens_at <= ${now} AND ${now} < w.cutoff_at) AS presale_open,
           ARRAY(SELECT i.sku_id FROM presale_items i WHERE i.tenant_id = p.tenant_id AND i.presale_id = p.id) AS presale_skus
      FROM presales p JOIN ${salesWindowRows(tenantId)} w ON w.id = p.window_id
     WHERE p.tenant_id = ${tenantId} AND p.id = ${presaleId}::text)`;
}
