import { sql } from 'kysely';

/** Each customer's name, phone and user, to join by `id` (or `user_id`). */
export function customerCards(tenantId: string) {
  return sql<{ tenant_id: string; id: string; user_id: string | null; name: string; phone: string | null }>`(SELECT tenant_id, id, user_id, name, phone FROM customers WHERE tenant_id = ${tenantId})`;
}

/** Every customer's user, across tenants, to join by `tenant_id` and `user_id` (resolving a token to its customer). */
export function customersByUser() {
  return sql<{ tenant_id: string; id: string; user_id: string | null }>`(SELECT tenant_id, id, user_id FROM customers)`;
}

/** The tenant's customers still standing (not merged into another), with their node and channel, to read as a table. */
export function liveCustomers(tenantId: string) {
  return sql<{ id: string; user_id: string | null; b_node_id: string | null; name: string; phone: string | null; channel: string | null; created_at: Date }>`(
    SELECT id, user_id, b_node_id, name, phone, channel, created_at FROM customers WHERE tenant_id = ${tenantId} AND merged_into IS NULL)`;
}
