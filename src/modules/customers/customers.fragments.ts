import { sql } from 'kysely';

/** Each customer's name, masked phone, phone tails' blind indexes and user, to join by `id` (or `user_id`). */
export function customerCards(tenantId: string) {
  return sql<{ tenant_id: string; id: string; user_id: string | null; name: string; phone_masked: string | null; phone_tails: string[] }>`(
    SELECT tenant_id, id, user_id, name, phone_masked, phone_tails FROM customers WHERE tenant_id = ${tenantId})`;
}

/** Every customer's user, across tenants, to join by `tenant_id` and `user_id` (resolving a token to its customer). */
export function customersByUser() {
  return sql<{ tenant_id: string; id: string; user_id: string | null }>`(SELECT tenant_id, id, user_id FROM customers)`;
}

/**
 * Who each customer is, for telling people apart: the person (the customer a merge kept, else
 * itself) and every proof they carry (phone, openids, unionid) as `provider:subject` keys.
 * Two customers sharing a person or a key are one person to anti-abuse rules.
 */
export function identityKeys(tenantId: string) {
  return sql<{ id: string; person: string; user_id: string | null; keys: string[] }>`(SELECT c.id, coalesce(c.merged_into, c.id) AS person, c.user_id,
         array_remove(array_append(coalesce((SELECT array_agg(i.provider || ':' || i.subject) FROM customer_identities i
                                              WHERE i.tenant_id = c.tenant_id AND i.customer_id = c.id), '{}'),
                                   CASE WHEN c.phone_index IS NULL THEN NULL ELSE 'phone:' || c.phone_index END), NULL) AS keys
      FROM customers c WHERE c.tenant_id = ${tenantId})`;
}

/** The tenant's customers still standing (not merged into another), with their node and channel, to read as a table. */
export function liveCustomers(tenantId: string) {
  return sql<{ id: string; user_id: string | null; b_node_id: string | null; name: string; phone_masked: string | null; phone_sealed: string | null; channel: string | null; created_at: Date }>`(
    SELECT id, user_id, b_node_id, name, phone_masked, phone_sealed, channel, created_at FROM customers WHERE tenant_id = ${tenantId} AND merged_into IS NULL)`;
}
