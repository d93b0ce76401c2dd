import { sql } from 'kysely';

/** SQL other modules join to read fulfilment's facts inside their own statements. */

/** Each sales window of the tenant: name, when it opened, its cutoff and status, to join by `id`. */
export function salesWindowRows(tenantId: string) {
  return sql<{ id: string; name: string; opens_at: Date; cutoff_at: Date; status: 'open' | 'closed' | 'cancelled' }>`(
    SELECT id, name, opens_at, cutoff_at, status FROM sales_windows WHERE tenant_id = ${tenantId})`;
}

/** The orders a cutoff has aggregated, and by which window, to join by `order_id`. */
export function aggregatedOrders(tenantId: string) {
  return sql<{ order_id: string; window_id: string }>`(SELECT order_id, window_id FROM window_orders WHERE tenant_id = ${tenantId})`;
}
