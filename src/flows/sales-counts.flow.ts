import type { Conn } from '../database.js';
import { refreshListingSales } from '../modules/b-nodes/shop-catalog.service.js';
import { soldUnits } from '../modules/orders/orders.fragments.js';

/**
 * Brings the shops' "已售 N" counters up to date from the orders (paid less refunded units), in
 * one statement: periodic work every minute, so a product card reads a counter, never order lines.
 */
export function refreshSalesCounts(db: Conn, tenantId?: string) {
  return refreshListingSales(db, soldUnits(tenantId));
}
