import { sql } from 'kysely';
import { orderCards } from '../orders/orders.fragments.js';

/**
 * Checkout's read of a bargain: its SKU, shop, the price reached, whether the floor was reached,
 * whether it is the buyer's, and whether it is still free to buy (never bought, or its order
 * closed unpaid). One row, or none (a null id: the cart is no bargain).
 */
export function bargainTerms(tenantId: string, bargainId: string | null, customerId: string | null, now: Date) {
  return sql<{ bargain_id: string; bargain_name: string; bargain_sku: string; bargain_node: string; bargain_price: number; bargain_reached: boolean; bargain_mine: boolean; bargain_free: boolean; bargain_live: boolean }>`(
    SELECT b.id AS bargain_id, c.title AS bargain_name, c.sku_id AS bargain_sku, c.b_node_id AS bargain_node, b.price AS bargain_price,
           b.helped = cardinality(b.cuts) AS bargain_reached, b.customer_id = ${customerId} AS bargain_mine,
           (b.order_id IS NULL OR EXISTS (SELECT 1 FROM ${orderCards(tenantId)} o WHERE o.id = b.order_id AND o.status IN ('expired', 'cancelled'))) AS bargain_free,
           (${now} < b.expires_at) AS bargain_live
      FROM bargains b JOIN bargain_campaigns c ON c.tenant_id = b.tenant_id AND c.id = b.campaign_id
     WHERE b.tenant_id = ${tenantId} AND b.id = ${bargainId}::text)`;
}

/**
 * Checkout's write: the bargain taken by the new order — only if it reached its floor and is still
 * free — in the statement that places the order, so two checkouts cannot both buy it.
 */
export function takeBargain(tenantId: string, bargainId: string | null, orderId: string) {
  return sql`(UPDATE bargains b SET order_id = ${orderId}
      WHERE b.tenant_id = ${tenantId} AND b.id = ${bargainId}::text AND b.helped = cardinality(b.cuts)
        AND (b.order_id IS NULL OR EXISTS (SELECT 1 FROM ${orderCards(tenantId)} o WHERE o.id = b.order_id AND o.status IN ('expired', 'cancelled')))
      RETURNING b.id)`;
}
